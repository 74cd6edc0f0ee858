#!/bin/sh
# Builds evacreg twice — plain and with AddressSanitizer +
# UndefinedBehaviorSanitizer — and runs every test suite in both, then
# the threads suite in a ThreadSanitizer build.
# The last line is "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
status=0
[ -f build/build.ninja ] || meson setup build -Dwerror=true || exit 1
[ -f build-san/build.ninja ] || meson setup build-san -Dwerror=true \
	-Db_sanitize=address,undefined -Db_lundef=false || exit 1
for b in build build-san; do
	echo "== $b"
	ninja -C "$b" || { status=1; continue; }
	meson test -C "$b" --print-errorlogs --num-processes 2 || status=1
done
# ThreadSanitizer for the exports' second thread (tests/threads)
[ -f build-tsan/build.ninja ] || meson setup build-tsan -Dwerror=true \
	-Db_sanitize=thread -Db_lundef=false || exit 1
echo "== build-tsan"
if ninja -C build-tsan; then
	meson test -C build-tsan --print-errorlogs --suite threads || status=1
else
	status=1
fi
python3 - build build-san build-tsan <<'PY'
import json, sys
passed = failed = 0
for b in sys.argv[1:]:
    try:
        with open(b + "/meson-logs/testlog.json") as f:
            for line in f:
                r = json.loads(line)
                if r.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
                    passed += 1
                else:
                    failed += 1
    except FileNotFoundError:
        failed += 1
print("%d passed, %d failed" % (passed, failed))
PY
exit $status
