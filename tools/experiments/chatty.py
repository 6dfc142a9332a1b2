#!/usr/bin/env python3
"""Writes a copy of a question file with each question put the way people
type in a chat: a greeting or filler before it ("hey, ", "ok so "), its first
letter lower-cased, its question mark dropped, and thanks or laughter after
it (" thx", " lol"). For measuring how casebot reads chat; deterministic for
a seed.

    python3 tools/experiments/chatty.py ../shared/eval/dev.jsonl /tmp/dev-chat.jsonl [SEED] [--group]

With --group the words before a question ask a group ("does anyone know ",
"i was wondering ") instead. With --context a sentence that is not a question
comes before it ("I read the case study. "), and the question keeps its
capital and question mark.

Used for the "chat around a question" rows of README, "How it answers".
"""
import json
import random
import sys

BEFORE = ["hey, ", "hi bot ", "can you tell me ", "pls ", "quick question: ", "so ", "um ", "ok so ", "hello! "]
AFTER = [" thanks", " thx", "??", " please", " lol", "", " pls"]
CONTEXT = ["I read the case study. ", "We're studying this for class. ", "My group has a quiz tomorrow! ",
           "Sorry for the basic question. ", "I'm new here. ", "This is for my essay. "]
GROUP = ["does anyone know ", "can someone tell me ", "i was wondering ", "sorry, ", "anybody know ",
         "curious: ", "does somebody know ", "hey everyone, "]


def main():
    args = [a for a in sys.argv[1:] if a not in ("--group", "--context")]
    before = GROUP if "--group" in sys.argv else BEFORE
    src, dst = args[0], args[1]
    rnd = random.Random(int(args[2]) if len(args) > 2 else 7)
    with open(dst, "w", encoding="utf-8") as out:
        for line in open(src, encoding="utf-8"):
            q = json.loads(line)
            t = q["q"]
            if "--context" in sys.argv:
                t = rnd.choice(CONTEXT) + t[:1].upper() + t[1:]
                t = t if t.endswith("?") else t + "?"
            else:
                t = rnd.choice(before) + t[:1].lower() + t[1:]
                t = t.rstrip("?") + rnd.choice(AFTER)
            out.write(json.dumps(dict(q, q=t)) + "\n")


if __name__ == "__main__":
    main()
