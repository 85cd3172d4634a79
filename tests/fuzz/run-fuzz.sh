#!/bin/sh
# Runs each libFuzzer target for a bounded time over a scratch copy of its
# seed corpus (tests/fuzz/corpus/<name>), so the tree does not grow.  A
# target that crashes, leaks or times out fails the run (its input is kept
# as crash-*/leak-*/timeout-* in the current directory); the last line
# counts targets, "fuzz: N passed, N failed".
set -eu
secs=$1
shift
case "$secs" in
''|*[!0-9]*|0) echo "run-fuzz: seconds must be a positive number" >&2
	exit 2 ;;
esac
pass=0
fail=0
failed=""
for f in "$@"; do
	name=$(basename "$f" | sed 's/^fuzz_//')
	work=$(mktemp -d)
	log=$(mktemp)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	echo "== fuzz $name for ${secs}s"
	if "$f" -max_total_time="$secs" -print_final_stats=1 "$work" \
	    >"$log" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
	fi
	tail -n 12 "$log"
	rm -rf "$work" "$log"
done
[ -n "$failed" ] && echo "fuzz targets failed:$failed"
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
