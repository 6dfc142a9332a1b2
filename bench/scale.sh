#!/usr/bin/env bash
# Scale benchmark: casebot and the SQLite FTS5 peer on a generated corpus of N documents.
#
#   bench/scale.sh N [OUT_DIR]        (from the repository root; OUT_DIR defaults to bench-out/N)
#
# Generates OUT_DIR/corpus (N documents) and OUT_DIR/questions.jsonl with bench/gencorpus.py
# (unless they are there already), builds casebot, and prints, for casebot and for the peer
# (bench/fts5_ask.py, Python's sqlite3, in memory) in the same run:
#   build time, passages/s, peak RSS (/usr/bin/time -v), index size on disk,
#   start to first answer, p50/p99 per question over 500 questions (bench/askbench.py), top1;
# for casebot also the time to reindex after one document changed. The machine's load
# (uptime) is printed before and after: other work on the machine moves every figure.
# Raw results stay in OUT_DIR (*.json, *.time). Needs python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:?usage: bench/scale.sh N [OUT_DIR]}
out=${2:-bench-out/$n}
questions=500
mkdir -p "$out"
echo "load before: $(uptime)"

if [ ! -f "$out/questions.jsonl" ] || [ ! -d "$out/corpus" ]; then
  python3 bench/gencorpus.py "$out" --docs "$n" --questions "$questions"
fi
go build -o "$out/casebot" ./cmd/casebot
corpus_bytes=$(find "$out/corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

# GNU time's wall clock (h:mm:ss or m:ss) in seconds, and max RSS in MB.
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# casebot: full build
rm -rf "$out/index"
/usr/bin/time -v "$out/casebot" index --corpus "$out/corpus" --index "$out/index" --json \
  >"$out/build.json" 2>"$out/build.time"
cb_build=$(wall "$out/build.time")
cb_rss=$(rss "$out/build.time")
cb_passages=$(field "$out/build.json" passages)
cb_size=$(du -sb "$out/index" | cut -f1)

# casebot: one document changed, then changed back
doc=$(find "$out/corpus" -name '*.md' | sort | sed -n '43p')
cp "$doc" "$out/changed.orig"
printf '\nThis paragraph was added by the benchmark to change one document.\n' >>"$doc"
"$out/casebot" index --corpus "$out/corpus" --index "$out/index" --json >"$out/reindex.json"
cp "$out/changed.orig" "$doc"
"$out/casebot" index --corpus "$out/corpus" --index "$out/index" --json >"$out/reindex-back.json"
rm "$out/changed.orig"
cb_reindex=$(python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); assert a["analyzed"]==1 and b["analyzed"]==1, (a,b); print("%.2f / %.2f" % (a["took"]/1e9, b["took"]/1e9))' "$out/reindex.json" "$out/reindex-back.json")

# casebot: questions
python3 bench/askbench.py "$out/questions.jsonl" --n "$questions" \
  --cmd "$out/casebot ask --json --index $out/index -" >"$out/ask.json"

# FTS5 peer: build (it indexes in memory when it starts, then reads questions), questions
/usr/bin/time -v python3 bench/fts5_ask.py "$out/corpus" </dev/null >/dev/null 2>"$out/fts5-build.time"
fts_build=$(wall "$out/fts5-build.time")
fts_rss=$(rss "$out/fts5-build.time")
fts_passages=$(python3 -c '
import os, sys
sys.path.insert(0, "bench")
import fts5_ask
root = sys.argv[1]; n = 0
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith((".md", ".txt")):
            p = os.path.join(d, f)
            n += sum(1 for _ in fts5_ask.passages(p, os.path.relpath(p, root)))
print(n)' "$out/corpus")
python3 bench/askbench.py "$out/questions.jsonl" --n "$questions" \
  --cmd "python3 bench/fts5_ask.py $out/corpus" >"$out/fts5-ask.json"

echo "load after:  $(uptime)"
python3 - "$n" "$corpus_bytes" "$cb_build" "$cb_rss" "$cb_passages" "$cb_size" "$cb_reindex" \
  "$out/ask.json" "$fts_build" "$fts_rss" "$fts_passages" "$out/fts5-ask.json" <<'EOF'
import json, sys
n, cbytes, cb_build, cb_rss, cb_pass, cb_size, cb_re, cb_ask, f_build, f_rss, f_pass, f_ask = sys.argv[1:]
cb, f = json.load(open(cb_ask)), json.load(open(f_ask))
mb = lambda b: "%.0f MB" % (int(b) / 1e6)
print()
print("%s documents, %s of text; %d questions" % (n, mb(cbytes), cb["questions"]))
print()
print("| | casebot | SQLite FTS5 peer |")
print("| --- | --- | --- |")
print("| passages | %s | %s |" % (cb_pass, f_pass))
print("| build time | %.1f s | %.1f s |" % (float(cb_build), float(f_build)))
print("| passages/s | %.0f | %.0f |" % (int(cb_pass) / float(cb_build), int(f_pass) / float(f_build)))
print("| peak RSS, build | %s MB | %s MB |" % (cb_rss, f_rss))
print("| index on disk | %s (%.1fx the text) | in memory |" % (mb(cb_size), int(cb_size) / int(cbytes)))
print("| reindex, one document changed (and back) | %s s | |" % cb_re)
print("| start to first answer | %.0f ms | %.0f ms |" % (cb["first_answer_ms"], f["first_answer_ms"]))
print("| per question p50 / p99 | %.2f / %.2f ms | %.2f / %.2f ms |" % (cb["p50_ms"], cb["p99_ms"], f["p50_ms"], f["p99_ms"]))
print("| peak RSS, answering | %.0f MB | %.0f MB |" % (cb["peak_rss_mb"], f["peak_rss_mb"]))
print("| top1 | %.3f | %.3f |" % (cb["top1"], f["top1"]))
EOF
