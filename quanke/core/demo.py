"""Demo data: one county, two streets, four communities, staff for every role; later apps add their own steps.

Every step is idempotent: running `seed_demo` twice creates nothing the second time.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from quanke.core import seams
from quanke.core.models import OrgUnit, Role, Specialty, UnitLevel, User

DEMO_PASSWORD = "quanke-demo-2026"

UNITS = [
    # code, name, level, parent code, station name, phone
    ("110199", "示范区", UnitLevel.COUNTY, None, "示范区民政局社工站指导中心", "010-66000000"),
    ("110199001", "广内街道", UnitLevel.STREET, "110199", "广内街道社工站", "010-66010000"),
    ("110199002", "清波街道", UnitLevel.STREET, "110199", "清波街道社工站", "010-66020000"),
    ("110199001001", "核桃园社区", UnitLevel.COMMUNITY, "110199001", "核桃园社区服务站", "010-66010001"),
    ("110199001002", "老墙根社区", UnitLevel.COMMUNITY, "110199001", "老墙根社区服务站", "010-66010002"),
    ("110199002001", "柳翠井巷社区", UnitLevel.COMMUNITY, "110199002", "柳翠井巷社区服务站", "010-66020001"),
    ("110199002002", "永合村", UnitLevel.COMMUNITY, "110199002", "永合村便民服务中心", "010-66020002"),
]

S = Specialty
STAFF = [
    # username, full name, unit code, roles, specialties
    ("qiantai_a1", "丁媛媛", "110199001001", [Role.FRONT_DESK], []),
    ("qiantai_a2", "胡九洲", "110199001001", [Role.FRONT_DESK], []),
    ("houtai_a", "金莉", "110199001001", [Role.BACK_OFFICE], [S.ASSISTANCE, S.FAMILY_PLANNING, S.GENERAL]),
    (
        "houtai_a2",
        "王建国",
        "110199001001",
        [Role.BACK_OFFICE],
        [S.ELDERLY, S.DISABILITY, S.EMPLOYMENT, S.PARTY],
    ),
    ("zhanzhang_a", "马玥", "110199001001", [Role.STATION_HEAD, Role.FRONT_DESK], []),
    ("qiantai_b1", "李晓庆", "110199001002", [Role.FRONT_DESK], []),
    ("houtai_b", "石敏", "110199001002", [Role.BACK_OFFICE], list(S.values)),
    ("zhanzhang_b", "秦欢", "110199001002", [Role.STATION_HEAD], []),
    ("qiantai_c1", "韩佳", "110199002001", [Role.FRONT_DESK], []),
    ("houtai_c", "张亚兰", "110199002001", [Role.BACK_OFFICE], list(S.values)),
    ("zhanzhang_c", "陈鑫坤", "110199002001", [Role.STATION_HEAD], []),
    ("qiantai_d1", "曹梦婷", "110199002002", [Role.FRONT_DESK], []),
    ("houtai_d", "吴圣慧", "110199002002", [Role.BACK_OFFICE], list(S.values)),
    ("zhanzhang_d", "简盛水", "110199002002", [Role.STATION_HEAD], []),
    ("jiedao_gn", "赵立新", "110199001", [Role.DEPT_HANDLER], [S.ASSISTANCE, S.ELDERLY, S.FAMILY_PLANNING]),
    ("jiedao_gn2", "孙海燕", "110199001", [Role.DEPT_HANDLER], [S.EMPLOYMENT, S.DISABILITY, S.PARTY]),
    ("jiedao_qb", "周红梅", "110199002", [Role.DEPT_HANDLER], list(S.values)),
    ("quju_mz", "刘振华", "110199", [Role.DEPT_HANDLER], [S.ASSISTANCE, S.DISABILITY]),
    ("tongji", "郑文静", "110199", [Role.COUNTY_VIEWER], []),
    ("admin", "系统管理员", "110199", [Role.ADMIN], []),
]


@dataclass
class DemoContext:
    county: OrgUnit
    streets: list[OrgUnit]
    communities: list[OrgUnit]
    users: dict[str, User]
    today: date
    rng: random.Random
    stdout: object = None
    notes: list[str] = field(default_factory=list)

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


@transaction.atomic
def seed_core(*, today: date, stdout=None) -> DemoContext:
    units = {}
    for code, name, level, parent, station, phone in UNITS:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            unit = OrgUnit.objects.create(
                code=code, name=name, level=level, parent=units.get(parent), station_name=station, phone=phone
            )
        units[code] = unit
    users = {}
    for username, full_name, unit_code, roles, specialties in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                unit=units[unit_code],
                roles=[str(r) for r in roles],
                specialties=[str(s) for s in specialties],
                is_staff=Role.ADMIN in roles,
                is_superuser=Role.ADMIN in roles,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    levels = {u.level for u in units.values()}
    assert levels == set(UnitLevel.values)
    return DemoContext(
        county=units["110199"],
        streets=[u for u in units.values() if u.level == UnitLevel.STREET],
        communities=[u for u in units.values() if u.level == UnitLevel.COMMUNITY],
        users=users,
        today=today,
        rng=random.Random(2026),
        stdout=stdout,
    )


def run(*, today: date | None = None, stdout=None) -> DemoContext:
    ctx = seed_core(today=today or date.today(), stdout=stdout)
    for step in seams.demo_steps:  # each app registers its step in AppConfig.ready(), in dependency order
        step.run(ctx)
    return ctx


def login_table() -> list[tuple[str, str, str, str]]:
    rows = []
    for username, full_name, _unit, _roles, _specs in STAFF:
        user = User.objects.select_related("unit").get(username=username)
        roles = "、".join(user.role_labels())
        if user.specialties:
            roles += "（" + "、".join(user.specialty_labels()) + "）"
        rows.append((username, full_name, user.unit.name, roles))
    return rows
