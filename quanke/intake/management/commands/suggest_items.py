import json
import sys

from django.core.management.base import BaseCommand, CommandError

from quanke.intake.selectors import suggest_items


class Command(BaseCommand):
    help = "按居民原话、简称或拼音首字母推荐服务事项；每行输入输出一行结果（--json 时为一个 JSON 对象）。"

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="*", help="居民原话（可多条）")
        parser.add_argument("--file", help="每行一条原话的文本文件（- 表示标准输入）")
        parser.add_argument("--top", type=int, default=5, help="每条返回的事项数（默认 5）")
        parser.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")

    def handle(self, *args, **opts):
        if opts["top"] < 1:
            raise CommandError("--top 必须大于 0")
        queries = list(opts["text"])
        if opts["file"]:
            if opts["file"] == "-":
                lines = sys.stdin.read().splitlines()
            else:
                try:
                    with open(opts["file"], encoding="utf-8-sig") as fh:
                        lines = fh.read().splitlines()
                except OSError as exc:
                    raise CommandError(f"无法读取文件：{exc}") from exc
            queries += [line.strip() for line in lines if line.strip()]
        if not queries and not sys.stdin.isatty():
            queries = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        for query in queries:
            items = suggest_items(query, top=opts["top"])
            if opts["json"]:
                payload = {
                    "query": query,
                    "items": [{"code": s.code, "name": s.name, "score": s.score} for s in items],
                }
                self.stdout.write(json.dumps(payload, ensure_ascii=False))
            else:
                found = "；".join(f"{s.name}（{s.code}，{s.score}）" for s in items) or "—"
                self.stdout.write(f"{query} → {found}")
