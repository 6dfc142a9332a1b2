#!/usr/bin/env python3
"""Refit casebot's scoring model outside casebot, on the examples that
`casebot train --dump FILE` writes, to try other features or fits on exactly
the same data.

    casebot train --out /tmp/model.json --dump /tmp/train.jsonl.gz testdata/train.json
    python3 tools/experiments/casebot_fit.py /tmp/train.jsonl.gz

It prints the held-out figures casebot train reports (ranking top-1 per set,
BM25 alone and the model; answering at the threshold that declines
--min-decline of each set's out-of-scope questions), computed the same way:
listwise logistic regression for the ranking, logistic regression for the
answer model on the ranking's held-out scores, folds by article. Needs numpy
and scipy (Debian: python3-numpy python3-scipy). An experiment imports this
file, adds columns to the rows' "x" (or to the answer rows) and compares.
"""
import argparse
import gzip
import json
import sys

import numpy as np
from scipy.optimize import minimize

MIN_SCALE = 0.1  # the least spread a ranking feature is divided by (index/train.go)


def load(path):
    """The dump's header, passages ({(set, id): text}) and examples, each a
    dict with numpy arrays x (candidates x features), label and mentions."""
    opener = gzip.open if path.endswith(".gz") else open
    header, passages, rows = None, {}, []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            kind = d.pop("kind")
            if kind == "header":
                header = d
            elif kind == "passage":
                passages[(d["set"], d["id"])] = d["text"]
            else:
                nf = len(header["features"])
                d["ids"] = d["ids"] or []
                d["x"] = np.array(d["x"] or [], dtype=np.float64).reshape(len(d["ids"]), nf)
                d["label"] = np.array(d["label"] or [], dtype=bool)
                d["mentions"] = np.array(d["mentions"] or [], dtype=np.float64)
                d["qf"] = np.array(d["qf"], dtype=np.float64)
                rows.append(d)
    return header, passages, rows


def rankable(r):
    return r["scope"] == 0 and r["label"].any() and not r["label"].all()


def fit_rank(Xs, rows, idx, lam):
    """Listwise logistic regression: the softmax of each question's candidate
    scores, the right candidates' share maximised, L2 strength lam."""
    Z = np.vstack([Xs[i] for i in idx])
    lab = np.concatenate([rows[i]["label"] for i in idx])
    sizes = np.array([len(Xs[i]) for i in idx])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    wts = np.array([rows[i]["weight"] for i in idx], dtype=np.float64)
    total = wts.sum()
    lo, hi = Z.min(0), Z.max(0)
    sc = np.maximum(Z.std(0), MIN_SCALE)  # not centred: a shift changes no ranking
    Z = Z / sc
    grp = np.repeat(np.arange(len(idx)), sizes)
    wrow = wts[grp]

    def f(w):
        s = Z @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[grp])
        all_ = np.add.reduceat(e, starts)
        pos = np.add.reduceat(np.where(lab, e, 0), starts)
        loss = (wts * (np.log(all_) - np.log(pos))).sum() / total + lam * w @ w / 2
        c = e / all_[grp] - np.where(lab, e / pos[grp], 0)
        return loss, Z.T @ (c * wrow) / total + lam * w

    res = minimize(f, np.zeros(Z.shape[1]), jac=True, method="L-BFGS-B",
                   options=dict(maxiter=1000, gtol=1e-7))
    return dict(w=res.x, sc=sc, lo=lo, hi=hi)


def rank_score(m, x):
    return (np.clip(x, m["lo"], m["hi"]) / m["sc"]) @ m["w"]


def cross_rank(Xs, rows, lam, folds):
    """Every example's candidate scores from a model fitted on the other folds."""
    oof = [None] * len(rows)
    for f in range(folds):
        idx = [i for i, r in enumerate(rows) if r["fold"] != f and rankable(r)]
        m = fit_rank(Xs, rows, idx, lam)
        for i, r in enumerate(rows):
            if r["fold"] == f and len(Xs[i]):
                oof[i] = rank_score(m, Xs[i])
    return oof


def right(r, s):
    return s is not None and len(s) > 0 and bool(r["label"][int(np.argmax(s))])


def top1(rows, scores, nsets):
    n, ok = np.zeros(nsets), np.zeros(nsets)
    for r, s in zip(rows, scores):
        if r["scope"] == 0:
            n[r["set"]] += 1
            ok[r["set"]] += right(r, s)
    return ok / np.maximum(n, 1)


def split_id(pid):
    i = pid.rfind("#")
    return (pid[:i], int(pid[i + 1:])) if i >= 0 else (pid, 0)


NEAR_PASSAGES = 2  # index/features.go nearPassages


def log_loss(rows, scores, nsets):
    """Per set, the mean held-out log-loss of the ranking over the rankable
    examples, by which casebot train chooses the ranking's L2 strength."""
    loss, n = np.zeros(nsets), np.zeros(nsets)
    for r, s in zip(rows, scores):
        if not rankable(r):
            continue
        z = np.exp(s - s.max())
        loss[r["set"]] -= np.log(z[r["label"]].sum() / z.sum())
        n[r["set"]] += 1
    return loss / np.maximum(n, 1)


def answer_row(header, r, s):
    """The answer features of an example and its candidates' scores
    (index/features.go setBest)."""
    F = {n: i for i, n in enumerate(header["features"])}
    A = {n: i for i, n in enumerate(header["answer_features"])}
    a = r["qf"].copy()
    if s is None or len(s) == 0:
        return a
    b = int(np.argmax(s))
    top = r["x"][b]
    src, seq = split_id(r["ids"][b])
    e = np.exp(s - s[b])
    tot = e.sum()
    dm = nm = 0.0
    for i, pid in enumerate(r["ids"]):
        si, sq = split_id(pid)
        if si == src:
            dm += e[i]
            if seq - NEAR_PASSAGES <= sq <= seq + NEAR_PASSAGES:
                nm += e[i]
    a[A["softmax"]] = 1 / tot
    a[A["doc_mass"]] = dm / tot
    a[A["near_mass"]] = nm / tot
    if len(s) > 1:
        a[A["margin"]] = s[b] - np.max(np.delete(s, b))
    a[A["score"]] = s[b]
    for n in ("cov_all", "cov_exact", "sentence", "missing", "doc_coverage", "sentence_all",
              "phrase", "matched_share", "names", "bm25_share"):
        a[A[n]] = top[F[n]]
    a[A["year_fit"]] = max(top[F["years"]], top[F["years_open"]])
    a[A["type_fit"]] = max(top[F[k]] for k in ("type_time", "type_number", "type_duration", "type_name", "type_thing"))
    a[A["cov_question"]] = top[F["cov_all"]] * a[A["known"]]
    a[A["name_mentions"]] = r["mentions"][b]
    for n in ("doc_asked", "field_asked"):
        if n in A:
            a[A[n]] = top[F[n]]
    return a


def answer_rows(header, rows, scores):
    """Answer features, labels (the best candidate is right) and weights: an
    answerable question whose best candidate is wrong weighs nothing."""
    A = np.array([answer_row(header, r, s) for r, s in zip(rows, scores)])
    lab = np.array([right(r, s) for r, s in zip(rows, scores)])
    w = np.array([r["weight"] if (l or r["scope"] != 0) else 0.0 for r, l in zip(rows, lab)])
    return A, lab, w


def fit_logistic(A, lab, w, idx, lam):
    idx = [i for i in idx if w[i] > 0]
    X, y, ww = A[idx], lab[idx].astype(float), w[idx]
    tot = ww.sum()
    mu, sd = X.mean(0), X.std(0)
    sdz = np.where(sd > 0, sd, 1)
    Z = np.where(sd > 0, (X - mu) / sdz, 0)
    d = Z.shape[1]

    def f(wb):
        wv, b = wb[:d], wb[d]
        v = Z @ wv + b
        p = 1 / (1 + np.exp(-v))
        loss = (ww * (np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v))) - y * v)).sum() / tot + lam * wv @ wv / 2
        c = ww * (p - y)
        return loss, np.concatenate([Z.T @ c / tot + lam * wv, [c.sum() / tot]])

    res = minimize(f, np.zeros(d + 1), jac=True, method="L-BFGS-B", options=dict(maxiter=1000, gtol=1e-7))
    return dict(w=res.x[:d], b=res.x[d], mu=mu, sd=sd, sdz=sdz, lo=X.min(0), hi=X.max(0))


def prob(m, A):
    X = np.clip(A, m["lo"], m["hi"])
    Z = np.where(m["sd"] > 0, (X - m["mu"]) / m["sdz"], 0)
    return 1 / (1 + np.exp(-(Z @ m["w"] + m["b"])))


def cross_answer(rows, A, lab, w, lam, folds):
    p = np.zeros(len(rows))
    fo = np.array([r["fold"] for r in rows])
    for f in range(folds):
        m = fit_logistic(A, lab, w, list(np.where(fo != f)[0]), lam)
        p[fo == f] = prob(m, A[fo == f])
    return p


def threshold(rows, p, min_decline, nsets):
    """The lowest threshold at which each set declines min_decline of its
    out-of-scope questions."""
    t = 0.0
    for s in range(nsets):
        ps = np.sort([p[i] for i, r in enumerate(rows) if r["set"] == s and r["scope"] == 1])
        if not len(ps):
            continue
        k = int(np.ceil(min_decline * len(ps)))
        t = max(t, np.nextafter(ps[-1], 1) if k >= len(ps) else (ps[k - 1] + ps[k]) / 2)
    return t


def answered(rows, scores, p, t, nsets):
    """Per set: answerable questions answered right at t, and out-of-scope
    questions declined."""
    n, ok, oos, dec = (np.zeros(nsets) for _ in range(4))
    for r, s, pr in zip(rows, scores, p):
        if r["scope"] == 0:
            n[r["set"]] += 1
            ok[r["set"]] += pr >= t and right(r, s)
        elif r["scope"] == 1:
            oos[r["set"]] += 1
            dec[r["set"]] += pr < t
    return ok / np.maximum(n, 1), dec / np.maximum(oos, 1)


def fmt(sets, v):
    return ", ".join("%s %.3f" % (name, x) for name, x in zip(sets, v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dump")
    ap.add_argument("--lambdas", default="0.0003,0.001,0.003")
    ap.add_argument("--answer-lambdas", default="0.0003,0.001,0.003,0.01")
    ap.add_argument("--min-decline", type=float, default=0.95)
    args = ap.parse_args()
    header, _, rows = load(args.dump)
    sets, folds = header["sets"], header["folds"]
    Xs = [r["x"] for r in rows]
    print("%d examples" % len(rows), file=sys.stderr)
    bm = [x[:, header["features"].index("bm25")] if len(x) else None for x in Xs]
    print("ranking, held out: BM25 alone: %s" % fmt(sets, top1(rows, bm, len(sets))))
    best = None
    for lam in map(float, args.lambdas.split(",")):
        oof = cross_rank(Xs, rows, lam, folds)
        t1, ll = top1(rows, oof, len(sets)), log_loss(rows, oof, len(sets))
        print("  lambda %g: model %s; log-loss %s" % (lam, fmt(sets, t1), fmt(sets, ll)))
        if best is None or ll.mean() < best[0]:
            best = (ll.mean(), lam, oof)
    _, lam, oof = best
    A, lab, w = answer_rows(header, rows, oof)
    for alam in map(float, args.answer_lambdas.split(",")):
        p = cross_answer(rows, A, lab, w, alam, folds)
        t = threshold(rows, p, args.min_decline, len(sets))
        ok, dec = answered(rows, oof, p, t, len(sets))
        print("answering, held out (ranking lambda %g, answer lambda %g, threshold %.3f): top-1 %s; declined %s"
              % (lam, alam, t, fmt(sets, ok), fmt(sets, dec)))


if __name__ == "__main__":
    main()
