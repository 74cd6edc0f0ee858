#!/bin/sh
# The PDF atlas end to end: a register built with the evacreg binary on
# four real districts of Tomakomai (inputs and expectations written by
# gen.py from its own rows), exported, and read back with poppler's
# pdfinfo, pdftotext, pdffonts and pdftoppm. Output is TAP.
set -u
exe=${ER_EXE:?ER_EXE not set}
src=${ER_SOURCE_ROOT:?ER_SOURCE_ROOT not set}
here=$src/tests/pdf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export TZ=UTC SOURCE_DATE_EPOCH=1790000000

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
failed_runs=""
run() { # an evacreg command that must exit 0
	"$exe" "$@" >>runs.log 2>&1 || failed_runs="$failed_runs
	evacreg $* (exit $?)"
}
check() { # description, then a command that must succeed
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d"; fi
}

python3 "$here/gen.py" "$src/data/tomakomai/districts.geojson" . || exit 1
"$exe" init r.db >/dev/null 2>&1 &&
	"$exe" import districts r.db districts.geojson >/dev/null 2>&1 &&
	"$exe" import associations r.db associations.csv >/dev/null &&
	"$exe" import registrants r.db registrants.csv >/dev/null &&
	"$exe" import supporters r.db supporters.csv >/dev/null &&
	"$exe" import assignments r.db assignments.csv >/dev/null ||
	{ echo "Bail out! cannot build the register"; exit 1; }

echo "1..28"
run export pdf r.db --all --out atlas.pdf
check "export pdf --all succeeds" test -z "$failed_runs" -a -s atlas.pdf

# pages: the cover, then per district a map page and one list page
nd=$(grep -c . expect_districts)
pages=$(pdfinfo atlas.pdf | sed -n 's/^Pages: *//p')
if [ "$pages" = $((1 + 2 * nd)) ]; then ok "page count $pages"; else
	notok "page count $pages, expected $((1 + 2 * nd))"; fi

pdftotext -layout atlas.pdf atlas.txt
pdftotext atlas.pdf plain.txt
missing=""
while read -r code name assoc; do
	grep -q "$name" atlas.txt || missing="$missing $name"
done <expect_districts
if [ -z "$missing" ]; then ok "every district's name"; else
	notok "district names missing:$missing"; fi

# every shown household's row: its number (from the register's own
# numbering) then its address; hidden households' addresses nowhere
bad=""
while read -r code hh addr shown; do
	num=$(sqlite3 r.db "SELECT number FROM household_number WHERE \
district_code = '$code' AND household_id = '$hh'")
	if [ "$shown" = 1 ]; then
		[ -n "$num" ] && grep -Eq "^ *$num +$addr" atlas.txt ||
			bad="$bad $hh(#$num)"
	else
		grep -q "$addr" plain.txt && bad="$bad $hh(hidden)"
	fi
done <expect_households
if [ -z "$bad" ]; then ok "household numbers and addresses"; else
	notok "households wrong:$bad"; fi
shown_hh=$(awk '$4 == 1' expect_households | wc -l)
if [ "$shown_hh" -gt 5 ]; then ok "$shown_hh households to show"; else
	notok "only $shown_hh households to show"; fi

# every household number is also on its district's map page: the map
# page text (page 2k) holds each number as a word
bad=""
k=0
while read -r code name assoc; do
	k=$((k + 1))
	pdftotext -f $((2 * k)) -l $((2 * k)) atlas.pdf map.txt
	for num in $(sqlite3 r.db "SELECT n.number FROM household_number n \
WHERE n.district_code = '$code' ORDER BY 1"); do
		hh=$(sqlite3 r.db "SELECT household_id FROM household_number \
WHERE district_code = '$code' AND number = $num")
		if grep -q " $hh .* 1\$" expect_households; then
			tr -s ' \n' '\n\n' <map.txt | grep -qx "$num" ||
				bad="$bad $code#$num"
		fi
	done
done <expect_districts
if [ -z "$bad" ]; then ok "numbers on the map pages"; else
	notok "numbers missing from maps:$bad"; fi

missing=""
while read -r name; do
	grep -q "$name" plain.txt || missing="$missing $name"
done <expect_names_shown
if [ -z "$missing" ]; then ok "consented names shown"; else
	notok "consented names missing:$missing"; fi
leaked=""
while read -r name; do
	grep -q "$name" plain.txt && leaked="$leaked $name"
done <expect_names_hidden
if [ -z "$leaked" ]; then ok "no non-consenting name (normal mode)"; else
	notok "non-consenting names shown:$leaked"; fi
leaked=""
while read -r name; do
	grep -q "$name" plain.txt && leaked="$leaked $name"
done <expect_names_assigned
if [ -z "$leaked" ]; then ok "no assigned registrant's name"; else
	notok "assigned names shown:$leaked"; fi
check "footer: notice, mode and page x/y" \
	sh -c "grep -q '取扱注意' plain.txt && grep -q '平常時提供' plain.txt &&
		tr -d ' ' <plain.txt | grep -qx '1/$pages' &&
		tr -d ' ' <plain.txt | grep -qx '$pages/$pages'"
check "footer: recipient association" grep -q "提供先: 旭町第二町内会" plain.txt

# fonts embedded, pages not blank
if pdffonts atlas.pdf | awk 'NR > 2 { n++; if ($(NF-4) != "yes") bad++ }
	END { exit !(n > 0 && bad == 0) }'; then ok "fonts embedded"; else
	notok "fonts not embedded: $(pdffonts atlas.pdf | tail -n +3)"; fi
pdftoppm -r 30 -gray atlas.pdf pg
blank=$(python3 - pg-*.pgm <<'PY'
import sys
blank = []
for p in sys.argv[1:]:
    data = open(p, "rb").read()
    # P5, width, height, maxval, one whitespace, then the pixels
    parts = data.split(maxsplit=4)
    w, h = int(parts[1]), int(parts[2])
    px = parts[4][-w * h:]
    if sum(1 for b in px if b < 160) < 150:
        blank.append(p)
print(" ".join(blank))
PY
)
npgm=$(ls pg-*.pgm | wc -l)
if [ -z "$blank" ] && [ "$npgm" = "$pages" ]; then ok "$npgm pages drawn"; else
	notok "blank pages: $blank ($npgm of $pages rendered)"; fi

# the file is the register owner's only, and audited with its SHA-256
check "atlas.pdf is mode 0600" test "$(stat -c %a atlas.pdf)" = 600
sha=$(sha256sum atlas.pdf | cut -c1-64)
check "audit row with the file's SHA-256" \
	sh -c "'$exe' audit r.db --format csv | grep 'export pdf' | grep -q $sha"
check "no temporary files left" test -z "$(ls | grep 'atlas.pdf.')"

# disaster mode shows everyone unassigned, and says so
run export pdf r.db --district 01213002001 --out d.pdf --mode disaster \
	--reason "避難訓練"
pdftotext d.pdf d.txt
missing=""
checked=0
while read -r name; do
	grep -q ",$name,.*,旭町1丁目" registrants.csv || continue
	checked=$((checked + 1))
	grep -q "$name" d.txt || missing="$missing $name"
done <expect_names_hidden
if [ -z "$missing" ] && [ "$checked" -gt 0 ] &&
	grep -q "災害時提供（理由: 避難訓練）" d.txt; then
	ok "disaster mode: non-consenting names and the reason"
else
	notok "disaster mode missing:$missing"
fi
check "disaster mode needs --reason" \
	sh -c "! '$exe' export pdf r.db --all --out x.pdf --mode disaster"
check "no file after a refused export" test ! -e x.pdf

# one file per association, and PNG/SVG pages
run export pdf r.db --all --by-association byassoc
check "by association: A1, A2 and no-association" \
	test -f byassoc/A1.pdf -a -f byassoc/A2.pdf \
	-a -f byassoc/no-association.pdf -a "$(ls byassoc | wc -l)" = 3
a1=$(pdfinfo byassoc/A1.pdf | sed -n 's/^Pages: *//p')
if [ "$a1" = 5 ] &&
	pdftotext byassoc/A1.pdf - | grep -q "旭町２丁目（01213002002）" &&
	! pdftotext byassoc/A1.pdf - | grep -q "（01213002003）"; then
	ok "A1.pdf holds its two districts"
else
	notok "A1.pdf has $a1 pages or the wrong districts"
fi
run export pdf r.db --district 01213002002 --out p.png --format png \
	--dpi 30
check "PNG pages" test -s p-1.png -a -s p-2.png -a ! -e p-3.png
run export pdf r.db --district 01213002002 --out s.svg --format svg
check "SVG pages" sh -c "grep -q '<svg' s-1.svg && grep -q '<svg' s-2.svg"
# --maps-only: the cover, then one map page per district, no list
run export pdf r.db --all --out maps.pdf --maps-only
mpages=$(pdfinfo maps.pdf | sed -n 's/^Pages: *//p')
if [ "$mpages" = $((1 + nd)) ]; then ok "--maps-only: $mpages pages"; else
	notok "--maps-only: $mpages pages, expected $((1 + nd))"; fi
pdftotext maps.pdf maps.txt
check "--maps-only: no list page, maps and contents there" \
	sh -c "! grep -q '未支援世帯一覧' maps.txt &&
		! grep -q '氏名（フリガナ）' maps.txt &&
		grep -q '地区の状況' maps.txt && grep -q '目次' maps.txt &&
		tr -d ' ' <maps.txt | grep -qx '$mpages/$mpages'"
# the same numbers on the same map pages (page 1 + k here, 2k above)
bad=""
k=0
while read -r code name assoc; do
	k=$((k + 1))
	# all but the footer's page x/y
	pdftotext -f $((2 * k)) -l $((2 * k)) atlas.pdf - |
		grep -Ev '^ *[0-9]+ */ *[0-9]+ *$' >a.txt
	pdftotext -f $((1 + k)) -l $((1 + k)) maps.pdf - |
		grep -Ev '^ *[0-9]+ */ *[0-9]+ *$' >m.txt
	cmp -s a.txt m.txt || bad="$bad $code"
done <expect_districts
if [ -z "$bad" ]; then ok "--maps-only: map pages as in the atlas"; else
	notok "--maps-only: map pages differ:$bad"; fi
# SOURCE_DATE_EPOCH: the same register exported again, later, gives
# the same bytes (page text and the PDF's own dates)
cp r.db r2.db
sleep 1
run export pdf r2.db --all --out again.pdf --maps-only
check "same bytes again under SOURCE_DATE_EPOCH" cmp maps.pdf again.pdf
if [ -z "$failed_runs" ]; then ok "every export exited 0"; else
	notok "exports failed:$failed_runs"; sed 's/^/# /' runs.log; fi
[ "$fails" = 0 ]
