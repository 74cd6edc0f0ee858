#!/bin/sh
# Golden tests: each folder under tests/golden/ holds `cmd` (a shell
# script run in a scratch copy of the folder, with $EVACREG the binary,
# $DATA the shipped data folder) and expected.stdout / expected.stderr /
# expected.status. ER_UPDATE_GOLDEN=1 rewrites the expectations.
# Output is TAP.
set -u
dir=${1:?usage: run.sh GOLDEN_DIR}
exe=${ER_EXE:?ER_EXE not set}
data=${ER_SOURCE_ROOT:?ER_SOURCE_ROOT not set}/data
n=0
fail=0
cases=$(cd "$dir" && ls -d */ 2>/dev/null | sed 's,/$,,' | sort)
total=$(printf '%s\n' $cases | grep -c .)
echo "1..$total"
for c in $cases; do
	n=$((n + 1))
	work=$(mktemp -d)
	cp -R "$dir/$c/." "$work/"
	(cd "$work" && EVACREG="$exe" DATA="$data" TZ=UTC sh ./cmd >stdout 2>stderr; echo $? >status)
	# paths of the scratch folder are not part of the expectation
	for f in stdout stderr; do
		sed -e "s,$work/,,g" -e "s,$data,DATA,g" -e "s,$exe,evacreg,g" "$work/$f" >"$work/$f.n"
	done
	if [ "${ER_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$work/stdout.n" "$dir/$c/expected.stdout"
		cp "$work/stderr.n" "$dir/$c/expected.stderr"
		cp "$work/status" "$dir/$c/expected.status"
	fi
	ok=1
	for f in stdout stderr; do
		if ! cmp -s "$work/$f.n" "$dir/$c/expected.$f"; then
			ok=0
			echo "# $c: $f differs:"
			diff -u "$dir/$c/expected.$f" "$work/$f.n" | sed 's/^/# /' | head -40
		fi
	done
	if ! cmp -s "$work/status" "$dir/$c/expected.status"; then
		ok=0
		echo "# $c: exit status $(cat "$work/status"), expected $(cat "$dir/$c/expected.status")"
	fi
	if [ $ok = 1 ]; then
		echo "ok $n - $c"
	else
		echo "not ok $n - $c"
		fail=1
	fi
	rm -rf "$work"
done
exit $fail
