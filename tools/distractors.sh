#!/usr/bin/env bash
# wiki-dev asked of a larger corpus: its two articles plus K of the 44 training articles as
# distractors, for a corpus of the size of a server's (the issue's unseen sets have 3 and 14
# articles). Measures what the size does to the ranking and to the threshold on questions the
# model was not fitted on; the distractors' questions were trained on, their text only stands
# beside wiki-dev's.
#
#   tools/distractors.sh K [SELECTIONS]     (from the repository root; ../shared linked)
#
# For each selection s of SELECTIONS (default 4) the distractors are the training articles
# s, s+44/K, s+2*44/K, ... in name order. Prints, per selection, the scorer's summary line for
# casebot, for its ranking alone (a copy of the model with threshold 0: nothing declined) and
# for BM25 alone (--plain). The corpora and their indexes are kept under OUT (default
# bench-out/distractors).
set -euo pipefail
cd "$(dirname "$0")/.."

k=${1:?usage: tools/distractors.sh K [SELECTIONS]}
sel=${2:-4}
out=${OUT:-bench-out/distractors}
dev=../shared/eval/wiki-dev
if ! [[ $k =~ ^[0-9]+$ && $sel =~ ^[0-9]+$ ]] || [ "$k" -lt 1 ] || [ "$k" -gt 44 ] || [ "$sel" -lt 1 ]; then
  echo "usage: tools/distractors.sh K [SELECTIONS]: K a number from 1 to 44, SELECTIONS at least 1" >&2
  exit 2
fi
mkdir -p "$out"
go build -o "$out/casebot" ./cmd/casebot
python3 -c 'import json, sys; m = json.load(open("index/model.json")); m["threshold"] = 0; json.dump(m, sys.stdout)' >"$out/rank-only.json"

mapfile -t articles < <(ls testdata/wiki-train/corpus/*.md)
step=$((44 / k))
for ((s = 0; s < sel; s++)); do
  c="$out/k$k-s$s"
  rm -rf "$c" "$c.index"
  mkdir -p "$c"
  cp "$dev"/corpus/*.md "$c"/
  for ((i = 0; i < k; i++)); do
    cp "${articles[$(((s + i * step) % 44))]}" "$c"/
  done
  for mode in casebot rank-only plain; do
    case $mode in
      casebot) extra="" ;;
      rank-only) extra="--model $out/rank-only.json" ;;
      plain) extra="--plain" ;;
    esac
    line=$("$dev"/../score "$dev"/questions.jsonl --corpus-root "$c" \
      --cmd "$out/casebot ask --json $extra --corpus $c --index $c.index -" 2>/dev/null | tail -n 1)
    printf 'K=%d selection %d %-9s %s\n' "$k" "$s" "$mode" "$line"
  done
done
