#!/usr/bin/env python3
"""Writes predicates.txt.gz from WordNet 3.0 (Debian package wordnet-base).

A "predicate word" is an English word that WordNet's sense-tagged counts show
to be used mostly as a verb, adjective or adverb rather than a noun (achieve,
teach, important, quickly). casebot gives such words little weight when the
corpus lacks them: "what did the promotion stage achieve?" is about the
promotion stage; "what is the capital of France?" is about France and a capital.
Inflected forms come from WordNet's exception lists and regular endings.

    python3 make-predicates.py /usr/share/wordnet > /dev/null
"""
import gzip, os, sys

wn = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet"

def counts(pos):
    out = {}
    for line in open(os.path.join(wn, "index." + pos), encoding="utf-8"):
        if line.startswith(" "):
            continue
        f = line.split()
        lemma, p_cnt = f[0], int(f[3])
        tagsense = int(f[5 + p_cnt])
        if "_" in lemma or "-" in lemma or not lemma.isalpha():
            continue
        out[lemma] = out.get(lemma, 0) + tagsense + 1  # +1: every listed sense counts a little
    return out

noun = counts("noun")
other = {}
for pos in ("verb", "adj", "adv"):
    for w, c in counts(pos).items():
        other[w] = other.get(w, 0) + c

pred = {w for w, c in other.items() if c > 2 * noun.get(w, 0)}

# inflected forms: exception lists, then regular endings
forms = set(pred)
for exc in ("verb.exc", "adj.exc", "adv.exc"):
    for line in open(os.path.join(wn, exc), encoding="utf-8"):
        f = line.split()
        if len(f) >= 2 and f[1] in pred and f[0].isalpha():
            forms.add(f[0])
verbs = counts("verb")
for w in list(pred):
    if w in verbs:
        base = w[:-1] if w.endswith("e") else w
        for f in (w + "s", w + "es", base + "ed", w + "d", base + "ing", w + "ing"):
            if f not in noun or noun.get(f, 0) < 3:
                forms.add(f)
        if w.endswith("y"):
            forms.update((w[:-1] + "ies", w[:-1] + "ied"))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "predicates.txt.gz")
with gzip.GzipFile(out, "wb", mtime=0) as g:
    g.write(("\n".join(sorted(f for f in forms if len(f) >= 3)) + "\n").encode())
print(len(pred), "predicate words,", len(forms), "forms", file=sys.stderr)
