"""Assess one household read from a JSON file: `manage.py assess_household --input PATH --json`."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from quanke.assistance import parameters
from quanke.assistance.engine import EngineError, assess_household

PROGRAM_NAMES = {
    "tekun": "特困供养",
    "gaoling": "高龄津贴",
    "disability_living": "残疾人生活补贴",
    "disability_care": "重度残疾人护理补贴",
}


class Command(BaseCommand):
    help = "按当地参数评估一户家庭的低保、低保边缘、渐退、特困、高龄津贴和残疾人两项补贴资格，并给出解释。"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="家庭 JSON 文件路径（- 表示标准输入）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, **options):
        data = self._read(options["input"])
        try:
            overrides = parameters.parameter_overrides()
        except DatabaseError:
            overrides = None  # tables not migrated yet: the shipped parameters apply
        try:
            result = assess_household(data, parameters=overrides)
        except EngineError as exc:
            raise CommandError(f"无法评估：{exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self._print_text(result)

    def _read(self, path: str):
        try:
            if path == "-":
                return json.load(sys.stdin)
            with open(path, encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            raise CommandError(f"找不到输入文件：{path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取输入文件 {path}：{exc}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"输入不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}"
            ) from None

    def _print_text(self, result: dict) -> None:
        out = self.stdout.write
        for warning in result.get("warnings", []):
            out(f"提示：{warning}")
        out(f"低保标准：{result['standard']:.2f} 元/人/月")
        dibao = result["dibao"]
        out(f"低保：{'符合' if dibao['eligible'] else '不符合'}，月低保金 {dibao['monthly_amount']:.2f} 元")
        for line in dibao["explanation"]:
            out(f"  · {line}")
        edge = result["dibao_edge"]
        out(f"低保边缘：{'符合' if edge['eligible'] else '不符合'}")
        for line in edge["explanation"]:
            out(f"  · {line}")
        out(f"渐退：{'适用' if result['gradual_exit'] else '不适用'}")
        for member_id, member in result["members"].items():
            hukou = "" if member.get("hukou_local", True) else "，非本地户籍"
            out(f"成员 {member_id}（{member['age']} 周岁{hukou}）")
            for code, name in PROGRAM_NAMES.items():
                outcome = member[code]
                out(f"  {name}：{'符合' if outcome['eligible'] else '不符合'}")
                for line in outcome["explanation"]:
                    out(f"    · {line}")
