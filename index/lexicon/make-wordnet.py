#!/usr/bin/env python3
"""Writes wordnet.txt.gz from WordNet 3.0 (Debian package wordnet-base).

casebot matches a question's words against a passage's words in their
analysed (stemmed) form, so "marries" finds "married", but not "marriage";
"depend" does not find "relies", nor "hard" "difficult". This file lists, for
each English word WordNet knows (single words only), the words related to it,
which casebot counts as matches of their own kind, apart from exact ones, with
weights learned from labelled questions (index/model.json):

    word<TAB>d:derived,forms<TAB>s:synonyms<TAB>a:antonyms<TAB>n:noun,synonyms<TAB>v:verb,synonyms

- d: derivationally related forms ("marry" -> "marriage", "originate" ->
  "origin", "difficult" -> "difficultness"), pertainyms ("quickly" -> "quick")
  and participles, from the word's frequent senses (as for synonyms, below:
  "currency" as money has none, and its rarer sense "general acceptance"
  does not make it "current"): WordNet's lexical pointers "+", "\\" and "<"
  whose source is the word itself.
- s: synonyms: the other words of the word's frequent senses (the first two
  per part of speech, three when three have sense-tagged counts), and for
  verbs the words of the senses' direct hypernyms ("depend" in "depend on
  your family" is a kind of "rely").
- a: antonyms, from the same senses ("hard": "easy"), for questions asked
  the other way round ("is it hard?" of "not an easy task").
- n: and v:, for a word with synonyms both as a noun and as a verb, the
  synonyms of its noun senses and those of its verb senses: "the stages" is
  a noun ("phase", "level"), not the verb of "stage a coup" ("initiate",
  "present"); casebot picks by the word before it (index/plan.go).

Inflected forms are not listed: lines "form<TAB>=lemma,lemma" give WordNet's
exception lists (noun.exc, verb.exc, adj.exc, adv.exc: "married" -> "marry",
"went" -> "go"); regular endings are undone at lookup time the way WordNet's
morphy does (index/wordnet.go).

    apt-get install wordnet-base
    python3 index/lexicon/make-wordnet.py /usr/share/wordnet

WordNet 3.0 is Copyright 2006 by Princeton University; its licence is in
wordnet.COPYRIGHT beside the output.
"""
import gzip, os, sys

wn = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet"
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
MIN_SENSES, MAX_SENSES = 2, 3


def ok_word(w):
    return w.isalpha() and w.isascii() and len(w) >= 2


# synsets: offset -> (words, [(pointer, target pos, target offset, source word, target word)])
synsets = {}
for name, p in POS.items():
    for line in open(os.path.join(wn, "data." + name), encoding="utf-8"):
        if line.startswith(" "):
            continue
        f = line.split(" | ")[0].split()
        off, w_cnt = f[0], int(f[3], 16)
        words = [f[4 + 2 * i].lower() for i in range(w_cnt)]
        words = [w.split("(")[0] for w in words]  # adjective markers: "big(a)"
        i = 4 + 2 * w_cnt
        p_cnt = int(f[i])
        ptrs = []
        for k in range(p_cnt):
            sym, toff, tpos, st = f[i + 1 + 4 * k: i + 5 + 4 * k]
            tpos = "a" if tpos == "s" else tpos
            ptrs.append((sym, tpos, toff, int(st[:2], 16), int(st[2:], 16)))
        synsets[(p, off)] = (words, ptrs)

# index: lemma -> pos -> synset offsets in frequency order, tagged sense count
index = {}
for name, p in POS.items():
    for line in open(os.path.join(wn, "index." + name), encoding="utf-8"):
        if line.startswith(" "):
            continue
        f = line.split()
        lemma, synset_cnt, p_cnt = f[0].lower(), int(f[2]), int(f[3])
        tagged = int(f[5 + p_cnt])
        offs = f[6 + p_cnt: 6 + p_cnt + synset_cnt]
        index.setdefault(lemma, {})[p] = (offs, tagged)

derived, synonyms, antonyms, by_sense = {}, {}, {}, {}
for lemma, by_pos in index.items():
    if not ok_word(lemma):
        continue
    d, s, a = set(), set(), set()
    by = {"n": set(), "v": set()}  # synonyms by the part of speech of their sense
    for p, (offs, tagged) in by_pos.items():
        for rank, off in enumerate(offs):
            words, ptrs = synsets[(p, off)]
            me = [i + 1 for i, w in enumerate(words) if w == lemma]
            frequent = rank < max(MIN_SENSES, min(tagged, MAX_SENSES))
            for sym, tpos, toff, src, dst in ptrs:
                if frequent and sym in ("+", "\\", "<") and src in me and (tpos, toff) in synsets:
                    tw = synsets[(tpos, toff)][0][dst - 1]
                    d.add(tw)
            if frequent:
                s.update(words)
                if p in by:
                    by[p].update(words)
                for sym, tpos, toff, src, dst in ptrs:
                    if sym == "!" and (tpos, toff) in synsets:  # from any word of the sense
                        a.add(synsets[(tpos, toff)][0][dst - 1])
                if p == "v":
                    for sym, tpos, toff, src, dst in ptrs:
                        if sym == "@" and src == 0 and (tpos, toff) in synsets:
                            s.update(synsets[(tpos, toff)][0])
                            by["v"].update(synsets[(tpos, toff)][0])
    d = {w for w in d if ok_word(w) and w != lemma}
    s = {w for w in s if ok_word(w) and w != lemma and w not in d}
    if d:
        derived[lemma] = d
    if s:
        synonyms[lemma] = s
        n, v = ({w for w in by[k] if w in s} for k in ("n", "v"))
        if n and v and n != v:
            by_sense[lemma] = (n, v)
    a = {w for w in a if ok_word(w) and w != lemma}
    if a:
        antonyms[lemma] = a

exceptions = {}
for name in POS:
    for line in open(os.path.join(wn, name + ".exc"), encoding="utf-8"):
        f = line.split()
        if len(f) >= 2 and ok_word(f[0]):
            exceptions.setdefault(f[0], set()).update(w for w in f[1:] if ok_word(w))

lines = []
for w in sorted(set(derived) | set(synonyms) | set(antonyms)):
    parts = [w]
    if w in derived:
        parts.append("d:" + ",".join(sorted(derived[w])))
    if w in synonyms:
        parts.append("s:" + ",".join(sorted(synonyms[w])))
    if w in antonyms:
        parts.append("a:" + ",".join(sorted(antonyms[w])))
    if w in by_sense:
        parts.append("n:" + ",".join(sorted(by_sense[w][0])))
        parts.append("v:" + ",".join(sorted(by_sense[w][1])))
    lines.append("\t".join(parts))
for w in sorted(exceptions):
    lines.append(w + "\t=" + ",".join(sorted(exceptions[w])))
lines.sort(key=lambda l: l.split("\t", 1)[0] + ("\x01" if "\t=" in l else "\x00"))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wordnet.txt.gz")
with gzip.GzipFile(out, "wb", mtime=0) as g:
    g.write(("\n".join(lines) + "\n").encode())
print(len(derived), "words with derived forms,", len(synonyms), "with synonyms,",
      len(antonyms), "with antonyms,", len(by_sense), "with noun and verb synonyms apart,", len(exceptions), "exceptions", file=sys.stderr)
