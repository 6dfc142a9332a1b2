#!/usr/bin/env python3
"""Score messages that ask several questions against `casebot ask --json -`.

Usage (from the project root):
    python3 tools/multi_eval.py testdata/holdout-multi.jsonl
    python3 tools/multi_eval.py FILE --cmd 'casebot ask --json --corpus DIR -' -v

FILE holds one message a line, with the questions it asks:
    {"id": "hm-001", "q": "who wrote it and when was it published?",
     "parts": [{"q": "...", "expect": [ALT, ...]}, {"q": "...", "abstain": true}]}
ALT is matched as ../shared/eval/score matches it: lower-cased, every run of
other characters than letters and digits folded to one space, in the text of
the first citation.

An answerable question counts as right when the first citation of an answer
the message got holds one ALT: one of the answers under "questions" when the
message was split, else the one answer to the whole message. A question the
documents do not answer counts as declined when the message was split and
the answer in its place is not answered.
"""
import argparse
import json
import re
import shlex
import subprocess
import sys


def fold(s):
    return re.sub(r"[^0-9a-z]+", " ", s.lower()).strip()


def right(answer, expect):
    cits = answer.get("citations") or []
    if not answer.get("answered") or not cits:
        return False
    text = fold(cits[0].get("text", ""))
    return any(all(fold(p) in text for p in (alt if isinstance(alt, list) else [alt])) for alt in expect)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("questions")
    ap.add_argument("--cmd", default="go run ./cmd/casebot ask --json -")
    ap.add_argument("-v", action="store_true", help="list the questions missed")
    args = ap.parse_args()
    msgs = [json.loads(l) for l in open(args.questions, encoding="utf-8") if l.strip()]
    proc = subprocess.run(shlex.split(args.cmd), input="".join(m["q"] + "\n" for m in msgs),
                          capture_output=True, text=True, timeout=600)
    outs = [l for l in proc.stdout.splitlines() if l.strip()]
    if proc.returncode != 0 or len(outs) != len(msgs):
        print(proc.stderr[-2000:], file=sys.stderr)
        print("multi_eval: command exited %d with %d answers for %d messages" % (proc.returncode, len(outs), len(msgs)))
        return 1
    split = matched = n = ok = nabs = declined = 0
    for m, line in zip(msgs, outs):
        a = json.loads(line)
        subs = a.get("questions") or []
        split += bool(subs)
        matched += len(subs) == len(m["parts"])
        answers = subs or [a]
        for i, p in enumerate(m["parts"]):
            if p.get("abstain"):
                nabs += 1
                declined += bool(subs) and i < len(subs) and not subs[i].get("answered")
                continue
            n += 1
            hit = any(right(x, p["expect"]) for x in answers)
            ok += hit
            if not hit and args.v:
                print("miss %s: %s | asked %s" % (m["id"], p["q"], [x.get("question") for x in answers]))
    print("messages %d: split %d, into as many questions as they ask %d; answerable questions right %d/%d; "
          "out-of-scope questions declined %d/%d" % (len(msgs), split, matched, ok, n, declined, nabs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
