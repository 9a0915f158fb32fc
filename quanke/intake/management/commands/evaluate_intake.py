from django.core.management.base import BaseCommand

from quanke.intake.evaluation import EVAL_SET, evaluate, read_eval_set
from quanke.intake.selectors import suggest_items


class Command(BaseCommand):
    help = "评测事项助手：对标注好的居民原话计算 top-1 / top-3 准确率（全集、调参集和留出集分别报告）。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(EVAL_SET), help="评测集 TSV 文件")
        parser.add_argument("--split", choices=["dev", "heldout"], help="只评测其中一部分")
        parser.add_argument("--misses", action="store_true", help="列出 top-1 未命中的原话")

    def handle(self, *args, **opts):
        rows = read_eval_set(opts["file"])
        if opts["split"]:
            rows = [r for r in rows if r.split == opts["split"]]

        def rank(text):
            return [s.code for s in suggest_items(text, top=3)]

        parts = [("all", rows)] + [
            (name, [r for r in rows if r.split == name]) for name in ("dev", "heldout")
        ]
        self.stdout.write(f"{'set':<8} {'n':>4} {'top-1':>7} {'top-3':>7}")
        all_misses = []
        for name, subset in parts:
            if not subset:
                continue
            score, misses = evaluate(rank, subset)
            if name == "all":
                all_misses = misses
            self.stdout.write(f"{name:<8} {score.total:>4} {score.top1_rate:>7.1%} {score.top3_rate:>7.1%}")
        if opts["misses"]:
            for row, got, hit3 in all_misses:
                mark = "top3" if hit3 else "MISS"
                self.stdout.write(
                    f"[{row.split}] {mark} {row.text} → 期望 {row.expected}，得到 {', '.join(got)}"
                )
