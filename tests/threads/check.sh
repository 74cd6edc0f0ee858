#!/bin/sh
# The exports' second thread (export.c: persons read and placemarks
# formatted on their own connection, districts queued ahead): the same
# files as on one thread, for KML in both modes and for the atlas's
# list pages. tests/run-all.sh also runs this in a ThreadSanitizer build
# (build-tsan), where any data race fails it; the suppressions cover
# only Pango's own font-loading thread (tests/tsan.supp).
set -u
exe=${ER_EXE:?ER_EXE not set}
src=${ER_SOURCE_ROOT:?ER_SOURCE_ROOT not set}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$src/tests/tsan.supp"
export SOURCE_DATE_EPOCH=1790000000
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

r=$work/r.db
{ "$exe" init "$r" &&
  "$exe" import districts "$r" "$src/data/tomakomai/districts.geojson" &&
  "$exe" synth "$r" --out "$work/synth" --registrants 20000 --seed 8 &&
  "$exe" import registrants "$r" "$work/synth/registrants.csv"
} >/dev/null 2>&1 || { echo "FAIL: a 20000-person register"; exit 1; }

for mode in normal disaster; do
	reason=
	[ $mode = disaster ] && reason="--reason threads-check"
	for t in two one; do
		one=
		[ $t = one ] && one=1
		# shellcheck disable=SC2086
		EVACREG_ONE_THREAD=$one "$exe" export kml "$r" --all \
			--mode $mode $reason --out "$work/$mode-$t" >/dev/null ||
			fail "export kml --all --mode $mode on $t thread(s)"
	done
	diff -r "$work/$mode-one" "$work/$mode-two" >/dev/null ||
		fail "KML ($mode) read on one thread differs from two"
done

# list pages read the persons on the second thread too
big=$(ls -S "$work"/normal-two/0*.kml | head -n 1 | sed 's|.*/||; s|\.kml$||')
for t in two one; do
	one=
	[ $t = one ] && one=1
	EVACREG_ONE_THREAD=$one "$exe" export pdf "$r" --district "$big" \
		--out "$work/$t.pdf" >/dev/null ||
		fail "export pdf --district $big on $t thread(s)"
done
cmp -s "$work/one.pdf" "$work/two.pdf" ||
	fail "the atlas read on one thread differs from two"

if [ $fails -gt 0 ]; then
	echo "$fails checks failed"
	exit 1
fi
echo "all checks passed"
