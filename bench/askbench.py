#!/usr/bin/env python3
"""Time a command that speaks casebot's `ask --json -` contract, one question at a time.

    askbench.py QUESTIONS.jsonl --cmd 'COMMAND' [--n 500]

Starts COMMAND and writes the first question: the time to its answer is start to first
answer (the command's start, opening or building its index, one question). Then it writes
the first N questions of the file one at a time, each after the answer to the one before,
and times each from the write to its answer line. It prints one JSON object: first_answer_ms,
p50_ms, p99_ms, mean_ms and max_ms per question, top1 (the share of questions whose first
citation holds every phrase of an expected answer, folded as ../shared/eval/score folds
them), answered, and peak_rss_mb, the command's high-water resident set size.
"""
import argparse
import json
import re
import resource
import shlex
import subprocess
import sys
import time


def fold(s):
    return re.sub(r"[^0-9a-z]+", " ", s.lower()).strip()


def matches(text, expect):
    t = fold(text)
    for alt in expect:
        parts = alt if isinstance(alt, list) else [alt]
        if all(fold(p) in t for p in parts):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("questions")
    ap.add_argument("--cmd", required=True)
    ap.add_argument("--n", type=int, default=500)
    a = ap.parse_args()
    qs = [json.loads(l) for l in open(a.questions, encoding="utf-8") if l.strip()][:a.n]
    start = time.monotonic()
    p = subprocess.Popen(shlex.split(a.cmd), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, bufsize=1)

    def ask(q):
        t0 = time.monotonic()
        p.stdin.write(q.replace("\n", " ") + "\n")
        p.stdin.flush()
        line = p.stdout.readline()
        if not line:
            sys.exit("askbench: the command stopped answering (exit %s)" % p.poll())
        return time.monotonic() - t0, json.loads(line)

    _, _ = ask(qs[0]["q"])
    first = time.monotonic() - start
    times, top1, answered = [], 0, 0
    for q in qs:
        dt, r = ask(q["q"])
        times.append(dt)
        cits = r.get("citations") or []
        if r.get("answered"):
            answered += 1
        if r.get("answered") and cits and "expect" in q and matches(cits[0].get("text", ""), q["expect"]):
            top1 += 1
    p.stdin.close()
    p.wait()
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    times.sort()
    ms = lambda x: round(x * 1000, 2)
    print(json.dumps({
        "questions": len(qs), "first_answer_ms": ms(first),
        "p50_ms": ms(times[len(times) // 2]), "p99_ms": ms(times[min(len(times) - 1, len(times) * 99 // 100)]),
        "mean_ms": ms(sum(times) / len(times)), "max_ms": ms(times[-1]),
        "top1": round(top1 / len(qs), 3), "answered": answered, "peak_rss_mb": round(rss, 1)}))


if __name__ == "__main__":
    main()
