#!/bin/sh
# Runs each libFuzzer target for a bounded time over a scratch copy of its
# seed corpus (tests/fuzz/corpus/<name>), so the tree does not grow.
set -eu
secs=$1
shift
for f in "$@"; do
	name=$(basename "$f" | sed 's/^fuzz_//')
	work=$(mktemp -d)
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	echo "== fuzz $name for ${secs}s"
	"$f" -max_total_time="$secs" -print_final_stats=1 "$work" 2>&1 | tail -n 12
	rm -rf "$work"
done
