#!/usr/bin/env bash
# ab.sh BASE [N]: BenchmarkAsk of the working tree against commit BASE, on
# the same machine at the same time: both test binaries are built first,
# then run in turn N times (default 8), 10,000 answers each; prints every
# run and the medians of p50 and p99 with their ratios.
#
#   bench/ab.sh e6586e4
set -euo pipefail
base=${1:?usage: bench/ab.sh BASE [N]}
n=${2:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$root" worktree add --detach "$tmp/base" "$base" >/dev/null 2>&1
(cd "$root" && go test -c -o "$tmp/new.test" ./index)
(cd "$tmp/base" && go test -c -o "$tmp/base.test" ./index)
run() { # name dir binary
  (cd "$2/index" && "$3" -test.run '^$' -test.bench 'BenchmarkAsk$' -test.benchtime 10000x) |
    awk -v name="$1" '/^BenchmarkAsk/ { for (i = 1; i <= NF; i++) { if ($i == "p50-µs") p50 = $(i-1); if ($i == "p99-µs") p99 = $(i-1) } print name, p50, p99 }'
}
for _ in $(seq "$n"); do
  run new "$root" "$tmp/new.test"
  run base "$tmp/base" "$tmp/base.test"
done | tee "$tmp/runs"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }'; }
for col in 2 3; do
  a=$(awk -v c=$col '$1 == "new" { print $c }' "$tmp/runs" | median)
  b=$(awk -v c=$col '$1 == "base" { print $c }' "$tmp/runs" | median)
  label=$([ $col = 2 ] && echo p50 || echo p99)
  awk -v l="$label" -v a="$a" -v b="$b" 'BEGIN { printf "%s median: %s µs against %s µs for the base, %.2f times\n", l, a, b, a / b }'
done
