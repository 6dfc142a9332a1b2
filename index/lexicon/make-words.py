#!/usr/bin/env python3
"""Writes words.txt.gz: the lower-cased words of two letters or more of SCOWL's
American and British word lists (Debian packages wamerican and wbritish),
possessives ("'s") dropped, words with other apostrophes or non-ASCII letters
left out, sorted. casebot uses the list to tell a misspelt question word from
a real word the corpus lacks.

    apt-get download wamerican wbritish
    dpkg-deb -x wamerican_*.deb dict; dpkg-deb -x wbritish_*.deb dict
    python3 index/lexicon/make-words.py dict/usr/share/dict   (from the project root)
"""
import gzip, os, re, sys

d = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict"
words = set()
for name in ("american-english", "british-english"):
    for w in open(os.path.join(d, name), encoding="utf-8").read().split():
        w = w.lower()
        if w.endswith("'s"):
            w = w[:-2]
        if re.fullmatch(r"[a-z]{2,}", w):
            words.add(w)
with gzip.GzipFile(os.path.join(os.path.dirname(__file__), "words.txt.gz"), "wb", mtime=0) as f:
    f.write(("\n".join(sorted(words)) + "\n").encode())
