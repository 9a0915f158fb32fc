import unicodedata

from django.core.management.base import BaseCommand

from quanke.core import demo


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Seed the demo county (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        demo.run(stdout=self.stdout)
        rows = [("用户名", "姓名", "单位", "角色")] + demo.login_table()
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）："))
        for i, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(row[c], widths[c]) for c in range(3)) + "  " + row[3])
            if i == 0:
                self.stdout.write("-" * (sum(widths) + 30))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("打开 http://127.0.0.1:8000 并用上面任一账号登录。"))
