#!/usr/bin/env python3
"""Writes a copy of a question file with one function word of each question
misspelt, for measuring how casebot reads sloppy typing ("wat", "teh",
"whn"). Deterministic: the word and the slip depend on the question's id.

The slip is a letter left out or two adjacent letters swapped, never the
first letter, and never one that gives another function word. Questions
without a function word stay as they are.

    python3 tools/experiments/misspell.py ../shared/eval/dev.jsonl /tmp/dev-misspelt.jsonl

Used for the "misspelt function words" rows of README, "How it answers".
"""
import hashlib
import json
import random
import re
import sys

FUNCTION = ("what when where which who whom whose why how the is are was were does did do "
            "this that their there they with from about").split()


def slips(w):
    out = {w[:i] + w[i + 1:] for i in range(1, len(w))}
    out |= {w[:i] + w[i + 1] + w[i] + w[i + 2:] for i in range(1, len(w) - 1)}
    return sorted(s for s in out if s != w and len(s) >= 2 and s.lower() not in FUNCTION)


def misspell(q):
    words = [m for m in re.finditer(r"[A-Za-z]+", q["q"]) if m.group().lower() in FUNCTION]
    rnd = random.Random(int(hashlib.md5(q["id"].encode()).hexdigest(), 16))
    if not words:
        return q, False
    m = rnd.choice(words)
    options = slips(m.group())
    if not options:
        return q, False
    q = dict(q, q=q["q"][:m.start()] + rnd.choice(options) + q["q"][m.end():])
    return q, True


def main():
    src, dst = sys.argv[1], sys.argv[2]
    changed = 0
    with open(dst, "w", encoding="utf-8") as out:
        for line in open(src, encoding="utf-8"):
            q, ok = misspell(json.loads(line))
            changed += ok
            out.write(json.dumps(q) + "\n")
    print(changed, "questions changed", file=sys.stderr)


if __name__ == "__main__":
    main()
