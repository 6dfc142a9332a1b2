#!/usr/bin/env python3
"""Does the answer model (and its threshold) extrapolate to Wikipedia corpus
sizes it was not trained on, and do the size-dependent answer features hurt?

    python3 tools/experiments/sizeextrap.py DUMP [--cache FILE] [--wiki-only]
        [--control N] [--explain] [--describe]

(first run about 3 minutes on 2 cores, mostly the held-out ranking; later
runs 5 to 20 seconds.)

The first run loads the dump, computes the held-out ranking exactly as
casebot_fit.py does (listwise logistic, L2 0.001 = casebot train's choice on
the committed file, 4 folds of whole articles) and the answer rows
(casebot_fit.answer_rows), plus the best candidate's document topicality
(tried.py doctopical's computation), and keeps them in FILE (default
DUMP.sizeextrap.npz). Later runs read FILE and only refit the answer model
(seconds per fit).

Per variant of the answer features it prints:
  * "all sizes": the normal held-out fit (casebot_fit.cross_answer, answer L2
    0.0003, threshold declining 0.95 of each set's out-of-scope questions):
    answered right per set (counts), declined, and per Wikipedia corpus size.
  * "fit {2,3,6} -> 11" and "fit {3,6,11} -> 2": per fold f the answer model
    is fitted on the rows of the other folds whose Wikipedia corpus has a
    training size (case-study rows always kept, unless --wiki-only drops
    them), and predicts fold f; the threshold is casebot_fit.threshold on the
    held-out probabilities of the training-size rows (and case-study rows)
    only. On the held-out size's Wikipedia rows: share of answerable
    questions answered right, share of out-of-scope declined (and of
    near-misses), and, as a diagnostic only, the share answered right at the
    threshold that would decline exactly 0.95 of that size's own out-of-scope
    questions (discrimination without calibration; an oracle, not a method).
  * against variant (a): questions answered right gained / lost and the
    two-sided sign test's p-value.
  * --control N: the same fit with as many Wikipedia training rows per fold
    drawn at random from all four sizes (the held-out size included), N
    draws: the figures the held-out size gets when it is seen, with the same
    amount of data (the {2,3,6} fit has half the Wikipedia rows).
  * --explain: which answer features move the held-out size's log-odds.
  * --describe: mean answer features by corpus size.
The row's corpus size is the dump example's "docs" field (index/dump.go).
In this dump every Wikipedia question is asked twice: once of a corpus of 2,
3 or 6 articles of its fold and once of the fold's 11 articles (4 corpora per
size, one per fold), so the size-11 rows are the {2,3,6} rows' questions in
the larger corpus. Case-study rows weigh 30 each (about 18,500 of the answer
fit's 42,600), which is why --wiki-only is offered.
Variants: (a) all answer features; (b) without passages, docs; (c1) (b) with
topical, topical_min, topical_max + log(documents); (c2) (b) without the
three topical features; (d) (b) with the corpus's topicality replaced by the
best candidate's document's (tried.py doctopical's columns).
"""
import argparse
import os
import re
import sys
import time

import numpy as np
from scipy.stats import binomtest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casebot_fit as cf  # noqa: E402

RANK_LAMBDA = 0.001
ANSWER_LAMBDA = 0.0003
MIN_DECLINE = 0.95


# --- preparation (slow, cached) ------------------------------------------------

def doc_topical(header, rows, oof):
    """tried.py doctopical's columns: mean, least and most over the question's
    plain words of log(share of the best candidate's document's paragraphs
    holding the word / share of the background's), the background being the
    44 articles less those of the episode (or the case study's documents)."""
    import tried as tr
    return tr.doctopical_columns(rows, oof)


def prepare(dump, cache):
    t0 = time.time()
    header, _, rows = cf.load(dump)
    print("loaded %d examples in %.0fs" % (len(rows), time.time() - t0), file=sys.stderr)
    oof = cf.cross_rank([r["x"] for r in rows], rows, RANK_LAMBDA, header["folds"])
    print("ranking held out in %.0fs" % (time.time() - t0), file=sys.stderr)
    A, lab, w = cf.answer_rows(header, rows, oof)
    ncand = np.array([len(r["ids"]) for r in rows])
    dt = doc_topical(header, rows, oof)
    print("doc topicality in %.0fs" % (time.time() - t0), file=sys.stderr)
    np.savez(cache, A=A, lab=lab, w=w, dt=dt, ncand=ncand,
             set=np.array([r["set"] for r in rows]), scope=np.array([r["scope"] for r in rows]),
             fold=np.array([r["fold"] for r in rows]), docs=np.array([r["docs"] for r in rows]),
             weight=np.array([r["weight"] for r in rows], dtype=float),
             episode=np.array([r.get("episode", "") for r in rows]),
             q=np.array([r["q"] for r in rows]),
             art=np.array([next((cf.split_id(i)[0] for i, l in zip(r["ids"], r["label"]) if l), "") for r in rows]),
             rankright=np.array([r["scope"] == 0 and cf.right(r, s) for r, s in zip(rows, oof)]),
             top1=cf.top1(rows, oof, len(header["sets"])),
             sets=np.array(header["sets"]), afeat=np.array(header["answer_features"]),
             folds=np.array(header["folds"]))


# --- answer-model fits (fast) ----------------------------------------------------

class Data:
    def __init__(self, z):
        for k in z.files:
            setattr(self, k, z[k])
        self.sets = list(self.sets)
        self.afeat = list(self.afeat)
        self.folds = int(self.folds)
        # cf.threshold / cf.answered / cf.cross_answer read only "set", "scope" and "fold" of a row
        self.rows = [{"set": int(s), "scope": int(c), "fold": int(f)} for s, c, f in zip(self.set, self.scope, self.fold)]


def fit_predict(D, A, train_mask):
    """Per fold f: the answer model fitted on rows of other folds within
    train_mask, predicting fold f (every row)."""
    p = np.zeros(len(A))
    for f in range(D.folds):
        idx = list(np.where((D.fold != f) & train_mask)[0])
        m = cf.fit_logistic(A, D.lab, D.w, idx, ANSWER_LAMBDA)
        p[D.fold == f] = cf.prob(m, A[D.fold == f])
    return p


def threshold_on(D, p, mask):
    idx = np.where(mask)[0]
    return cf.threshold([D.rows[i] for i in idx], p[idx], MIN_DECLINE, len(D.sets))


def ok_flags(D, p, t):
    """Per example: answerable, ranked right and answered (p >= t)."""
    return D.rankright & (p >= t)


def sign(new, old, mask):
    g, l = int((new & ~old & mask).sum()), int((old & ~new & mask).sum())
    return g, l, (binomtest(g, g + l).pvalue if g + l else 1.0)


def sign_articles(D, new, old, mask):
    """The sign test over articles (the questions' own article, from the
    labelled candidate): articles with more questions gained than lost
    against those with more lost, as questions of an article go together."""
    g = l = 0
    for a in set(D.art[mask]):
        m = mask & (D.art == a)
        d = int((new & ~old & m).sum()) - int((old & ~new & m).sum())
        g, l = g + (d > 0), l + (d < 0)
    return g, l, (binomtest(g, g + l).pvalue if g + l else 1.0)


def oracle_answered(D, p, mask):
    """Answered right at the threshold declining exactly 0.95 of mask's own
    out-of-scope questions (a diagnostic)."""
    oos = np.sort(p[mask & (D.scope == 1)])
    k = int(np.ceil(MIN_DECLINE * len(oos)))
    t = (oos[k - 1] + oos[k]) / 2
    ans = mask & (D.scope == 0)
    return (D.rankright & (p >= t) & ans).sum() / ans.sum(), t


def decline_point(D, p, mask, q):
    """Answered right share of mask's answerable questions, and the flags, at
    the threshold declining q of mask's own out-of-scope questions."""
    oos = np.sort(p[mask & (D.scope == 1)])
    k = int(np.ceil(q * len(oos)))
    t = (oos[k - 1] + oos[k]) / 2
    ans = mask & (D.scope == 0)
    ok = D.rankright & (p >= t) & ans
    return ok[ans].mean(), ok


def names_of(D, name, A):
    size, topical = ["passages", "docs"], ["topical", "topical_min", "topical_max"]
    n = list(D.afeat)
    if name.startswith("a "):
        return n
    if name.startswith("b ") or name.startswith("c1"):
        return [x for x in n if x not in size]
    if name.startswith("c2"):
        return [x for x in n if x not in size + topical]
    return [x for x in n if x not in size + topical] + ["doctop_mean", "doctop_min", "doctop_max"]


def variants(D):
    F = {n: i for i, n in enumerate(D.afeat)}
    A = D.A.copy()
    drop = lambda A, names: np.delete(A, [F[n] for n in names], axis=1)  # noqa: E731
    size = ["passages", "docs"]
    topical = ["topical", "topical_min", "topical_max"]
    out = {}
    out["a all features"] = A
    out["b -passages,docs"] = drop(A, size)
    # c: topicality against the average document, not the whole corpus:
    # topical = mean log(df/n / bg share) falls by about log(k) when a
    # question's article is one of k; + log(docs) undoes that for a question
    # about one of the corpus's documents. Only where topical is defined
    # (a question with no topical word keeps 0, as in Go).
    B = A.copy()
    logdocs = np.log(np.expm1(A[:, F["docs"]]).clip(1))
    has = (A[:, F["topical"]] != 0) | (A[:, F["topical_min"]] != 0) | (A[:, F["topical_max"]] != 0)
    for n in topical:
        B[:, F[n]] = np.where(has, A[:, F[n]] + logdocs, 0)
    out["c1 b + topical*+log(docs)"] = drop(B, size)
    out["c2 b - topical*"] = drop(A, size + topical)
    # d: the best candidate's document's topicality (tried.py doctopical) in
    # place of the corpus's: size-free by construction
    out["d b - topical* + doc topical"] = np.hstack([drop(A, size + topical), D.dt])
    return out


def describe_sizes(D):
    """Mean of each answer feature by Wikipedia corpus size, for answerable
    questions ranked right and for out-of-scope questions (which features
    move with the size)."""
    wiki = D.set == 0
    sizes = sorted(set(D.docs[wiki]))
    print("mean answer features by Wikipedia corpus size (answerable ranked right | out of scope):")
    print("  %-16s %s" % ("", " ".join("%7d" % s for s in sizes) + "  |" + " ".join("%7d" % s for s in sizes)))
    for j, n in enumerate(D.afeat):
        a = [D.A[wiki & (D.docs == s) & D.rankright, j].mean() for s in sizes]
        b = [D.A[wiki & (D.docs == s) & (D.scope == 1), j].mean() for s in sizes]
        print("  %-16s %s  |%s" % (n, " ".join("%7.3f" % x for x in a), " ".join("%7.3f" % x for x in b)))
    for j, n in enumerate(("doctop_mean", "doctop_min", "doctop_max")):
        a = [D.dt[wiki & (D.docs == s) & D.rankright, j].mean() for s in sizes]
        b = [D.dt[wiki & (D.docs == s) & (D.scope == 1), j].mean() for s in sizes]
        print("  %-16s %s  |%s" % (n, " ".join("%7.3f" % x for x in a), " ".join("%7.3f" % x for x in b)))
    print("  %-16s %s" % ("candidates", " ".join("%7.1f" % D.ncand[wiki & (D.docs == s)].mean() for s in sizes)))
    print("  %-16s %s" % ("answerable", " ".join("%7d" % (wiki & (D.docs == s) & (D.scope == 0)).sum() for s in sizes)))
    print("  %-16s %s" % ("out of scope", " ".join("%7d" % (wiki & (D.docs == s) & (D.scope == 1)).sum() for s in sizes)))
    print("  %-16s %s" % ("ranked right", " ".join("%7.3f" % (D.rankright[wiki & (D.docs == s) & (D.scope == 0)].mean()) for s in sizes)))
    for k in range(1, len(D.sets)):
        print("  set %s: corpus docs %s" % (D.sets[k], sorted(set(D.docs[D.set == k]))))


def explain(D, names, A, train_sizes, test, wiki_only, top=8):
    """One answer model fitted on all folds' rows of the training sizes (and
    the case study's): per feature, its weight times the change of the
    feature's mean from the training sizes to the held-out size, in log-odds,
    for answerable questions ranked right and for out-of-scope ones; the
    features that move the held-out size's probabilities most."""
    wiki = D.set == 0
    tr = np.isin(D.docs, train_sizes) & wiki
    m = cf.fit_logistic(A, D.lab, D.w, list(np.where(tr if wiki_only else (tr | ~wiki))[0]), ANSWER_LAMBDA)
    Z = np.where(m["sd"] > 0, (np.clip(A, m["lo"], m["hi"]) - m["mu"]) / m["sdz"], 0) * m["w"]
    te = wiki & (D.docs == test)
    for what, cls in (("answerable ranked right", D.rankright), ("out of scope", D.scope == 1)):
        d = Z[te & cls].mean(0) - Z[tr & cls].mean(0)
        order = np.argsort(-np.abs(d))[:top]
        print("    %s, log-odds moved from sizes %s to %d: total %+.3f; %s" % (
            what, train_sizes, test, d.sum(), ", ".join("%s %+.3f" % (names[j], d[j]) for j in order)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--cache")
    ap.add_argument("--wiki-only", action="store_true", help="extrapolation fits without the case-study rows")
    ap.add_argument("--describe", action="store_true")
    ap.add_argument("--explain", action="store_true", help="which features move the held-out size's log-odds")
    ap.add_argument("--control", type=int, default=0, help="draws of the equal-size control fit")
    args = ap.parse_args()
    cache = args.cache or args.dump + ".sizeextrap.npz"
    if not os.path.exists(cache):
        prepare(args.dump, cache)
    D = Data(np.load(cache))
    wiki = D.set == 0
    print("ranking, held out (lambda %g): top-1 %s" % (RANK_LAMBDA, cf.fmt(D.sets, D.top1)))
    if args.describe:
        describe_sizes(D)
    sizes = sorted(set(D.docs[wiki]))
    base = {}
    for name, A in variants(D).items():
        t0 = time.time()
        print("\n== %s (%d answer features)" % (name, A.shape[1]))
        # the normal held-out fit, all sizes
        p = cf.cross_answer(D.rows, A, D.lab, D.w, ANSWER_LAMBDA, D.folds)
        t = cf.threshold(D.rows, p, MIN_DECLINE, len(D.sets))
        ok = ok_flags(D, p, t)
        _, dec = cf.answered(D.rows, [None] * len(p), p, t, len(D.sets))
        print("  all sizes: threshold %.3f; answered right %s; declined %s" % (
            t, ", ".join("%s %d/%d" % (s, ok[D.set == k].sum(), ((D.set == k) & (D.scope == 0)).sum())
                         for k, s in enumerate(D.sets)), cf.fmt(D.sets, dec)))
        print("    by size: " + "; ".join("%d: %.3f answered, %.3f declined" % (
            s, ok[wiki & (D.docs == s) & (D.scope == 0)].mean(), (p[wiki & (D.docs == s) & (D.scope == 1)] < t).mean())
            for s in sizes))
        key = "all"
        if name.startswith("a "):
            base[key] = ok
        else:
            print("    against (a): " + ", ".join("%s +%d -%d (p %.2g)" % ((s,) + sign(ok, base[key], D.set == k))
                                                for k, s in enumerate(D.sets))
                  + "; Wikipedia articles +%d -%d (p %.2g)" % sign_articles(D, ok, base[key], wiki & (D.scope == 0)))
        for train_sizes, test in (((2, 3, 6), 11), ((3, 6, 11), 2)):
            if args.explain:
                explain(D, names_of(D, name, A), A, train_sizes, test, args.wiki_only)
            tr = np.isin(D.docs, train_sizes) & wiki
            keep = tr if args.wiki_only else (tr | ~wiki)
            p = fit_predict(D, A, keep)
            t = threshold_on(D, p, keep)
            ok = ok_flags(D, p, t)
            te = wiki & (D.docs == test)
            ans, oos, near = te & (D.scope == 0), te & (D.scope == 1), te & (D.scope == 2)
            orc, tor = oracle_answered(D, p, te)
            # the training sizes' own held-out figures at that threshold
            tra, tro = tr & (D.scope == 0), tr & (D.scope == 1)
            print("  fit %s -> %d: threshold %.3f; held-out size: answered right %.4f (%d/%d), declined %.4f of %d oos, "
                  "%.3f of %d near-misses; oracle-0.95 answered %.4f (t %.3f); training sizes: answered %.4f, declined %.4f" % (
                      "{" + ",".join(map(str, train_sizes)) + "}", test, t, ok[ans].mean(), ok[ans].sum(), ans.sum(),
                      (p[oos] < t).mean(), oos.sum(), (p[near] < t).mean(), near.sum(), orc, tor,
                      ok[tra].mean(), (p[tro] < t).mean()))
            # answered right on the held-out size at the thresholds declining
            # 0.93 / 0.95 / 0.97 of its own out-of-scope questions (diagnostic)
            levels = (0.93, 0.95, 0.97)
            curve = [decline_point(D, p, te, q) for q in levels]
            band = np.mean([decline_point(D, p, te, q)[0] for q in np.arange(0.90, 0.9901, 0.01)])
            print("    held-out size at its own decline 0.93 / 0.95 / 0.97: answered %s; mean over declines 0.90..0.99 %.4f" % (
                " / ".join("%.4f" % c[0] for c in curve), band))
            key = test
            if name.startswith("a "):
                base[key] = (ok, [c[1] for c in curve])
            else:
                print("    against (a) on size %d, questions (articles): at the carried threshold +%d -%d (p %.2g) (+%d -%d, p %.2g)"
                      % ((test,) + sign(ok, base[key][0], ans) + sign_articles(D, ok, base[key][0], ans)))
                for q, c, b in zip(levels, curve, base[key][1]):
                    print("      at decline %.2f of its own: +%d -%d (p %.2g) (articles +%d -%d, p %.2g)"
                          % ((q,) + sign(c[1], b, ans) + sign_articles(D, c[1], b, ans)))
            if args.control:
                # the same number of Wikipedia training rows per fold, drawn from
                # all four sizes (size `test` included): how much of the loss is
                # the unseen size and how much the smaller training set
                res = []
                for seed in range(args.control):
                    rng = np.random.default_rng(seed)
                    keep_c = np.zeros(len(wiki), bool) if args.wiki_only else ~wiki
                    for f in range(D.folds):
                        pool = np.where(wiki & (D.fold == f))[0]
                        k = int((tr & (D.fold == f)).sum())
                        keep_c[rng.choice(pool, k, replace=False)] = True
                    pc = fit_predict(D, A, keep_c)
                    tc = threshold_on(D, pc, keep_c)
                    okc = ok_flags(D, pc, tc)
                    res.append((okc[ans].mean(), (pc[oos] < tc).mean(), decline_point(D, pc, te, 0.95)[0]))
                res = np.array(res)
                print("    control, as many training rows from all sizes (%d draws): size %d answered %.4f, declined %.4f, "
                      "at decline 0.95 of its own %.4f (ranges %.4f-%.4f, %.4f-%.4f, %.4f-%.4f)" % (
                          args.control, test, *res.mean(0), res[:, 0].min(), res[:, 0].max(), res[:, 1].min(),
                          res[:, 1].max(), res[:, 2].min(), res[:, 2].max()))
        print("  (%.0fs)" % (time.time() - t0))


if __name__ == "__main__":
    main()
