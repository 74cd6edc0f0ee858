#!/bin/sh
# Reads back what `evacreg export kml` writes with other tools: every KML
# (and every KMZ's doc.kml) must validate against the OGC KML 2.2 schema
# kept in tests/data/kml22, and GDAL's ogrinfo must find in each layer
# the features the file holds: one district boundary, the households the
# audit log says were written, the shelters, and one coverage polygon
# per district in index.kml. Also checks each audit row's SHA-256.
set -u
exe=${ER_EXE:?ER_EXE not set}
src=${ER_SOURCE_ROOT:?ER_SOURCE_ROOT not set}
xsd=$src/tests/data/kml22/ogckml22.xsd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# a generated register on real districts, its KML folder written by demo
"$exe" demo "$work/demo" --registrants 300 --seed 11 >/dev/null 2>&1 ||
	{ echo "FAIL: evacreg demo"; exit 1; }
db=$work/demo/register.db
"$exe" export kml "$db" --all --kmz --out "$work/kmz" --mode disaster \
	--reason "check.sh: read-back test" >/dev/null ||
	{ echo "FAIL: export --all --kmz"; exit 1; }
code=$(ls "$work/demo/kml" | grep -v '^index' | head -n 1 | sed 's/\.kml$//')
"$exe" export kml "$db" --district "$code" --out "$work/one.kml" >/dev/null ||
	fail "export --district $code"

# the KMZs: doc.kml first, then icons under files/; unpacked for xmllint
mkdir "$work/unz"
python3 - "$work/kmz" "$work/unz" <<'PY' || fail "KMZ layout"
import os, sys, zipfile
src, dst = sys.argv[1:]
for name in sorted(os.listdir(src)):
    if not name.endswith(".kmz"):
        continue
    with zipfile.ZipFile(os.path.join(src, name)) as z:
        names = z.namelist()
        if names[0] != "doc.kml" or not all(n.startswith("files/") for n in names[1:]):
            sys.exit("%s: entries %s" % (name, names))
        with open(os.path.join(dst, name[:-4] + ".kml"), "wb") as f:
            f.write(z.read("doc.kml"))
PY
nkmz=$(ls "$work/kmz" | grep -c '\.kmz$')
nkml=$(ls "$work/demo/kml" | grep -v '^index' | grep -c '\.kml$')
[ "$nkmz" = "$nkml" ] && [ "$nkml" -gt 10 ] ||
	fail "$nkml district KML files, $nkmz KMZ files"

# 1. the schema (one xmllint run: the schema is read once)
if ! xmllint --noout --nonet --schema "$xsd" "$work"/demo/kml/*.kml \
	"$work/kmz/index.kml" "$work"/unz/*.kml "$work/one.kml" \
	>"$work/xmllint.out" 2>&1; then
	grep -v ' validates$' "$work/xmllint.out" | head -n 20
	fail "schema validation"
fi
nvalid=$(grep -c ' validates$' "$work/xmllint.out")
echo "# $nvalid files validate against the OGC KML 2.2 schema"

# 2. features per layer as ogrinfo reads them
"$exe" audit "$db" --format csv >"$work/audit.csv" || fail "evacreg audit"
layers() { # FILE -> "layer=count" lines
	ogrinfo -ro -al -so "$1" 2>/dev/null |
		sed -n -e 's/^Layer name: \(.*\)$/L \1/p' \
			-e 's/^Feature Count: \(.*\)$/C \1/p' |
		awk '$1 == "L" { l = $2 } $1 == "C" { print l "=" $2 }'
}
placemarks() { # FILE FOLDER -> count of its Placemarks (xmllint)
	xmllint --xpath "count(//*[local-name()='Folder'][*[local-name()='name']='$2']/*[local-name()='Placemark'])" "$1"
}
# "path households" of every export row, last row per file winning
python3 - "$work/audit.csv" >"$work/households" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["action"] == "export kml":
        print(r["file"], r["households"])
PY
audit_households() { # SHOWN_PATH -> households written, as logged
	awk -v f="$1" '$1 == f { n = $2 } END { print n == "" ? "none" : n }' \
		"$work/households"
}
check_district() { # FILE OGR_PATH SHOWN_PATH
	got=$(layers "$2" | tr '\n' ' ')
	hh=$(audit_households "$3")
	sh=$(placemarks "$1" 避難所)
	[ "$(placemarks "$1" 未支援世帯)" = "$hh" ] ||
		fail "$1: audit log says $hh households"
	want="地区境界=1 未支援世帯=$hh 避難所=$sh "
	[ "$got" = "$want" ] || fail "$2: ogrinfo read '$got', expected '$want'"
}
for f in "$work"/demo/kml/*.kml; do
	case $f in */index.kml) continue ;; esac
	check_district "$f" "$f" "$f"
done
for z in "$work"/kmz/*.kmz; do
	b=$(basename "$z" .kmz)
	check_district "$work/unz/$b.kml" "/vsizip/$z/doc.kml" "$z"
done
check_district "$work/one.kml" "$work/one.kml" "$work/one.kml"
nd=$(sqlite3 "$db" 'SELECT count(*) FROM district')
for i in "$work/demo/kml/index.kml" "$work/kmz/index.kml"; do
	got=$(layers "$i" | tr '\n' ' ')
	want="支援率=$nd 地区ファイル=0 "
	[ "$got" = "$want" ] || fail "$i: ogrinfo read '$got', expected '$want'"
	links=$(grep -c '<NetworkLink>' "$i")
	[ "$links" = "$nkml" ] || fail "$i: $links NetworkLinks, $nkml files"
done

# 3. every exported file's SHA-256 as logged
python3 - "$work/audit.csv" <<'PY' || fail "audit SHA-256"
import csv, hashlib, sys
n = 0
for r in csv.DictReader(open(sys.argv[1])):
    if r["action"] != "export kml":
        continue
    h = hashlib.sha256(open(r["file"], "rb").read()).hexdigest()
    if h != r["file_sha256"]:
        sys.exit("%s: sha256 %s, logged %s" % (r["file"], h, r["file_sha256"]))
    n += 1
print("# %d audit rows match their files" % n)
PY

# 4. SOURCE_DATE_EPOCH: the same district exported again, a second
# later, gives the same bytes (its created_at is the given time)
SOURCE_DATE_EPOCH=1790000000 "$exe" export kml "$db" --district "$code" \
	--out "$work/sde1.kml" >/dev/null || fail "export under SOURCE_DATE_EPOCH"
sleep 1
SOURCE_DATE_EPOCH=1790000000 "$exe" export kml "$db" --district "$code" \
	--out "$work/sde2.kml" >/dev/null || fail "export under SOURCE_DATE_EPOCH"
cmp -s "$work/sde1.kml" "$work/sde2.kml" ||
	fail "two exports under SOURCE_DATE_EPOCH differ"
grep -q '2026-09-21T' "$work/sde1.kml" ||
	fail "created_at is not SOURCE_DATE_EPOCH's time"

# 5. Persons are read in batches of 64 households on a second thread
# (a second connection in WAL mode); read on the writing thread instead
# (EVACREG_ONE_THREAD), every file is the same. The biggest district of
# a 20000-person register holds over 128 households: several batches.
big=$work/big
mkdir "$big"
{ "$exe" init "$big/r.db" &&
  "$exe" import districts "$big/r.db" "$src/data/tomakomai/districts.geojson" &&
  "$exe" synth "$big/r.db" --out "$big/synth" --registrants 20000 --seed 5 &&
  "$exe" import registrants "$big/r.db" "$big/synth/registrants.csv"
} >/dev/null 2>&1 || fail "a 20000-person register"
SOURCE_DATE_EPOCH=1790000000 "$exe" export kml "$big/r.db" --all \
	--out "$big/two" >/dev/null || fail "export on two threads"
EVACREG_ONE_THREAD=1 SOURCE_DATE_EPOCH=1790000000 "$exe" export kml \
	"$big/r.db" --all --out "$big/one" >/dev/null || fail "export on one thread"
diff -r "$big/one" "$big/two" >/dev/null ||
	fail "the export read on one thread differs"
most=$(cat "$big"/two/0*.kml | grep -c '<Placemark id="hh')
[ "$(grep -c '<Placemark id="hh' $(ls -S "$big"/two/0*.kml | head -n 1))" -gt 128 ] ||
	fail "no district has more than two batches of households ($most in all)"

# 6. The data date: kept in meta by imports; a register from before
# they did (no such key) has it read from every registrant: the same
grep -q "データ時点 $(date -u +%Y-%m-%d)" "$big/two/index.kml" ||
	fail "index.kml's data date is not today's import"
cp "$big/r.db" "$big/old.db"
sqlite3 "$big/old.db" "DELETE FROM meta WHERE key = 'registrants_updated_at'" ||
	fail "sqlite3"
for r in r old; do
	SOURCE_DATE_EPOCH=1790000000 "$exe" export kml "$big/$r.db" --all \
		--out "$big/date-$r" >/dev/null || fail "export of $r.db"
done
diff -r "$big/date-r" "$big/date-old" >/dev/null ||
	fail "the data date differs without meta"

if [ $fails -gt 0 ]; then
	echo "$fails checks failed"
	exit 1
fi
echo "all checks passed"
