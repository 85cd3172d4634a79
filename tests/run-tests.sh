#!/bin/sh
# Runs each test binary given, prints its cmocka output, and ends with one
# summary line "N passed, N failed" counting binaries.  Exit 1 if any failed.
set -u
pass=0
fail=0
failed=""
for t in "$@"; do
	echo "== $t"
	if "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $(basename "$t")"
	fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
