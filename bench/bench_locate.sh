#!/bin/sh
# Benchmark: assigning registrants to districts and computing coverage,
# evacreg against what a GIS officer would write in SpatiaLite SQL, on
# the same synthetic register (real 苫小牧市 districts). Prints times and
# the ratio. Usage: bench_locate.sh EVACREG [REGISTRANTS]
set -eu
exe=${1:?usage: bench_locate.sh EVACREG [REGISTRANTS]}
n=${2:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
now() { date +%s.%N; }
"$exe" init r.db >/dev/null
"$exe" import districts r.db "$root/data/tomakomai/districts.geojson" >/dev/null 2>&1
"$exe" synth r.db --out s --registrants "$n" --seed 1 >/dev/null
"$exe" import associations r.db s/associations.csv >/dev/null
cp r.db base.db
t0=$(now)
"$exe" import registrants r.db s/registrants.csv >/dev/null
t1=$(now)
"$exe" coverage r.db --by district --format csv >evacreg.csv
t2=$(now)
# The same with SpatiaLite SQL: registrants loaded with their own points,
# then the household's point, then ST_Intersects through the spatial
# index, then the aggregation.
cp base.db sql.db
t3=$(now)
sqlite3 sql.db >/dev/null <<SQL
.load mod_spatialite
.mode csv
CREATE TABLE r_in (id TEXT, household_id TEXT, name TEXT, kana TEXT, birth TEXT, sex TEXT, address TEXT, phone TEXT, reasons TEXT, consent TEXT, lat TEXT, lon TEXT, status TEXT, mobility TEXT);
.import --skip 1 s/registrants.csv r_in
CREATE TABLE a AS SELECT id, CASE WHEN household_id = '' THEN id ELSE household_id END AS hh, CAST(lat AS REAL) AS lat, CAST(lon AS REAL) AS lon, lat <> '' AS own, status FROM r_in;
CREATE INDEX a_hh ON a (hh);
CREATE TABLE r AS SELECT id, hh, lat, lon, own FROM a WHERE status = '';
UPDATE r SET (lat, lon) = (SELECT h.lat, h.lon FROM a h WHERE h.hh = r.hh AND h.own ORDER BY h.id LIMIT 1) WHERE NOT own;
ALTER TABLE r ADD COLUMN dc TEXT;
UPDATE r SET dc = (SELECT min(d.code) FROM district d WHERE d.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'district' AND search_frame = MakePoint(r.lon, r.lat, 4326)) AND ST_Intersects(d.geom, MakePoint(r.lon, r.lat, 4326)));
SELECT dc, count(*) FROM r GROUP BY dc;
SQL
t4=$(now)
# both must agree on registrants per district
tail -n +2 evacreg.csv | awk -F, '$4 > 0 {print $1 "," $4}' | sort >a.txt
sqlite3 -csv sql.db "SELECT coalesce(dc, '(outside)'), count(*) FROM r GROUP BY dc" | sort >b.txt
if ! cmp -s a.txt b.txt; then
	echo "bench_locate: evacreg and SpatiaLite SQL disagree" >&2
	diff a.txt b.txt | head >&2
	exit 1
fi
awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" 'BEGIN {
	ev = (b - a) + (c - b); sq = e - d;
	printf "registrants %d\n", n;
	printf "evacreg import+locate %.2f s, coverage %.2f s, total %.2f s\n", b - a, c - b, ev;
	printf "SpatiaLite SQL load+locate+aggregate %.2f s\n", sq;
	printf "ratio SpatiaLite/evacreg %.2f\n", sq / ev;
}'
