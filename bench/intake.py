"""Intake suggestion: accuracy and per-query latency, Quanke's ranker against two plain baselines.

    .venv/bin/python bench/intake.py [--passes N]

Runs in-process against the migrated database (full default catalog, dictionary and knowledge base). Queries
are the labelled utterances in quanke/intake/data/eval_utterances.tsv. Baselines: substring match over item
names, and rank_bm25 (BM25Okapi) over jieba tokens of names, keywords and descriptions without any synonyms.
Prints a table; never part of the test run's pass/fail.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-key")  # settings refuse to start without one

import django  # noqa: E402

django.setup()

import jieba  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rank_bm25 import BM25Okapi  # noqa: E402

from quanke.catalog.models import Item  # noqa: E402
from quanke.intake.evaluation import evaluate, read_eval_set  # noqa: E402
from quanke.intake.selectors import suggest_items, suggestion_index  # noqa: E402


def substring_baseline(items):
    names = [(i.code, i.name) for i in items]

    def longest_common(a: str, b: str) -> int:
        best = 0
        for i in range(len(a)):
            for j in range(i + best + 1, len(a) + 1):
                if a[i:j] in b:
                    best = j - i
                else:
                    break
        return best

    def rank(text: str) -> list[str]:
        scored = [(longest_common(name, text), -len(name), code) for code, name in names]
        scored = [s for s in scored if s[0] >= 2]
        scored.sort(reverse=True)
        return [code for *_, code in scored[:3]]

    return rank


def bm25_baseline(items):
    tokenizer = jieba.Tokenizer()
    docs = [f"{i.name} {' '.join(i.keywords or [])} {i.description}" for i in items]
    corpus = [[t for t in tokenizer.lcut(d) if t.strip()] for d in docs]
    bm25 = BM25Okapi(corpus)
    codes = [i.code for i in items]

    def rank(text: str) -> list[str]:
        scores = bm25.get_scores([t for t in tokenizer.lcut(text) if t.strip()])
        order = sorted(range(len(codes)), key=lambda k: -scores[k])[:3]
        return [codes[k] for k in order if scores[k] > 0]

    return rank


def quanke_ranker(text: str) -> list[str]:
    return [s.code for s in suggest_items(text, top=3)]


def measure(rank, rows, passes: int) -> dict:
    rank(rows[0].text)  # warm up (index build, jieba dictionary)
    timings, cpu = [], []
    for _ in range(passes):
        for row in rows:
            start, start_cpu = time.perf_counter(), time.process_time()
            rank(row.text)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    cpu.sort()
    all_score, _ = evaluate(rank, rows)
    held_score, _ = evaluate(rank, [r for r in rows if r.split == "heldout"])
    return {
        "top1": all_score.top1_rate,
        "top3": all_score.top3_rate,
        "h1": held_score.top1_rate,
        "h3": held_score.top3_rate,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "cpu95": cpu[int(len(cpu) * 0.95) - 1],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=5, help="timing passes over the utterance set")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    jieba.setLogLevel(60)
    items = list(Item.objects.filter(active=True).order_by("code"))
    rows = read_eval_set()
    build_start = time.perf_counter()
    suggestion_index.invalidate()
    suggestion_index.get()
    build_ms = (time.perf_counter() - build_start) * 1000

    results = [
        ("quanke (jieba+bm25s+dictionary+pinyin)", measure(quanke_ranker, rows, args.passes)),
        ("baseline: substring over item names", measure(substring_baseline(items), rows, args.passes)),
        ("baseline: rank_bm25, no synonyms", measure(bm25_baseline(items), rows, args.passes)),
    ]
    heldout = sum(r.split == "heldout" for r in rows)
    print(
        f"{len(rows)} utterances ({heldout} held out), {len(items)} active items, {args.passes} timing passes; "
    )
    print(
        f"index build {build_ms:.0f} ms (once per process and after catalog/dictionary/knowledge changes)\n"
    )
    head = f"| {'method':<40} | {'top-1':>6} | {'top-3':>6} | {'held-out top-1':>14} | {'held-out top-3':>14} | {'p50 ms':>7} | {'p95 ms':>7} | {'p95 cpu ms':>10} |"
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for name, r in results:
        print(
            f"| {name:<40} | {r['top1']:>6.1%} | {r['top3']:>6.1%} | {r['h1']:>14.1%} | {r['h3']:>14.1%} "
            f"| {r['p50']:>7.3f} | {r['p95']:>7.3f} | {r['cpu95']:>10.3f} |"
        )
    ours = results[0][1]
    for name, r in results[1:]:
        ratio = lambda a, b: f"{a / b:.1f}x" if b else "∞"  # noqa: E731
        print(
            f"\nquanke vs {name.removeprefix('baseline: ')}: top-1 {ratio(ours['top1'], r['top1'])}, "
            f"top-3 {ratio(ours['top3'], r['top3'])}, p95 latency {ratio(ours['p95'], r['p95'])}"
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nwall-clock latency includes waiting for a CPU; load average now {load} on {os.cpu_count()} cores."
    )
    print(f"goal: p95 <= 5 ms -> {'met' if ours['p95'] <= 5 else 'NOT met'} ({ours['p95']:.3f} ms)")


if __name__ == "__main__":
    main()
