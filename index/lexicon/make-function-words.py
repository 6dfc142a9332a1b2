#!/usr/bin/env python3
"""Orders function-words.txt by how often each word stands in the training
questions, commonest first (ties alphabetically).

The words are the analyzer's stop words (bleve's Snowball English list). When
a question word that is neither English nor the corpus's lies one edit from
several of them ("wat": "what" and "was"), casebot reads it as the first in
this order, the likeliest word a question meant.

    python3 index/lexicon/make-function-words.py   (from the project root)
"""
import json, re

PATH = "index/lexicon/function-words.txt"
SOURCES = ["testdata/wiki-train/questions.jsonl", "testdata/train-casestudy.jsonl"]

lines = open(PATH, encoding="utf-8").read().splitlines()
header = [l for l in lines if l.startswith("#")]
words = [w for l in lines if l and not l.startswith("#") for w in l.split()]
count = {w: 0 for w in words}
for src in SOURCES:
    for line in open(src, encoding="utf-8"):
        q = json.loads(line)["q"].lower().replace("\u2019", "'")
        for w in re.findall(r"[a-z']+", q):
            w = w.strip("'")
            if w in count:
                count[w] += 1
words.sort(key=lambda w: (-count[w], w))
with open(PATH, "w", encoding="utf-8") as f:
    f.write("\n".join(header) + "\n")
    for w in words:
        f.write(w + "\n")
