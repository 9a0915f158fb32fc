"""Demo residents: ~2,000 people in households, with valid ID numbers and realistic ages, incomes, disabilities
and special-group tags. Deterministic (fixed seeds) and idempotent."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from faker import Faker

from quanke.registry import idnumber
from quanke.registry.models import (
    Benefit,
    DocumentKind,
    Household,
    HukouKind,
    HukouType,
    Relation,
    Resident,
    ResidentDocument,
    Tag,
)
from quanke.registry.names import pinyin_keys

RESIDENTS_PER_COMMUNITY = 500
LOCAL_AREA = "110102"
OTHER_AREAS = ["130102", "370102", "410102", "420102", "510104", "500105", "350627", "320582", "330102"]
DISABILITY_KINDS = (
    ["physical"] * 5 + ["visual"] * 2 + ["hearing"] * 2 + ["intellectual", "mental", "speech", "multiple"]
)
# The demo's locality is Beijing; its 低保 standard from 2023-07-01.
DIBAO_STANDARD = Decimal("1395")
NONLOCAL_CUTOFF = 0.92  # share of households with local 户籍
MIXED_EVERY = 12  # every 12th local household has a spouse registered elsewhere


def _birth(rng, today: date, age: int) -> date:
    start = date(today.year - age - 1, today.month, 1) + timedelta(days=rng.randint(0, 360))
    return (
        start
        if (today - start).days // 365 == age
        else date(today.year - age, 1, 1) - timedelta(days=rng.randint(1, 300))
    )


class _Builder:
    def __init__(self, ctx):
        self.ctx, self.rng, self.today = ctx, ctx.rng, ctx.today
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(2026)
        self.used_ids: set[str] = set(Resident.objects.values_list("id_number", flat=True))
        self.tags = {t.code: t for t in Tag.objects.all()}

    def id_number(self, birth: date, sex: str, local: bool) -> str:
        area = LOCAL_AREA if local else self.rng.choice(OTHER_AREAS)
        while True:
            seq = self.rng.randrange(1, 999)
            if (seq % 2 == 1) != (sex == "M"):
                seq = seq + 1 if seq < 998 else seq - 1
            value = idnumber.build(area, birth, seq)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def income(self, age: int, disabled_grade: int | None) -> Decimal:
        rng = self.rng
        if age < 18:
            return Decimal(0)
        if age >= 60:
            value = 0 if rng.random() < 0.12 else rng.randint(900, 4800)
        elif rng.random() < 0.09:
            value = 0
        else:
            value = int(rng.lognormvariate(8.5, 0.45))
        if disabled_grade and disabled_grade <= 2:
            value = min(value, rng.randint(0, 1500))
        return Decimal(value).quantize(Decimal("0.01"))

    def members_plan(self) -> list[tuple[str, int]]:
        r, rng = self.rng.random(), self.rng
        if r < 0.12:
            return [("head", rng.randint(66, 96))]
        if r < 0.27:
            a = rng.randint(62, 90)
            return [("head", a), ("spouse", max(55, a + rng.randint(-5, 4)))]
        if r < 0.62:
            a = rng.randint(28, 55)
            kids = [("child", rng.randint(0, max(0, min(25, a - 22)))) for _ in range(rng.choice([1, 1, 2]))]
            return [("head", a), ("spouse", max(22, a + rng.randint(-4, 4)))] + kids
        if r < 0.77:
            a = rng.randint(32, 52)
            return [
                ("head", a),
                ("spouse", a + rng.randint(-3, 3)),
                ("parent", a + rng.randint(24, 34)),
                ("child", rng.randint(1, 17)),
            ]
        if r < 0.90:
            return [("head", rng.randint(22, 59))]
        a = rng.randint(26, 50)
        return [("head", a), ("child", rng.randint(0, min(20, a - 20)))]


def _address(community, rng, n: int) -> tuple[str, str]:
    if community.name.endswith("村"):
        group = rng.randint(1, 8)
        return f"{community.name}{group}组{rng.randint(1, 60)}号", f"{group}组"
    estate = community.name.removesuffix("社区")
    building = rng.randint(1, 18)
    return (
        f"{estate}小区{building}号楼{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}",
        f"{building}号楼",
    )


@transaction.atomic
def seed(ctx) -> None:
    if Resident.objects.filter(unit__in=ctx.communities).exists():
        ctx.say("居民演示数据已存在，跳过。")
        return
    b, rng, today = _Builder(ctx), ctx.rng, ctx.today
    total = 0
    for community in ctx.communities:
        village = community.name.endswith("村")
        made, n = 0, 0
        while made < RESIDENTS_PER_COMMUNITY:
            n += 1
            plan = b.members_plan()[: RESIDENTS_PER_COMMUNITY - made]
            # About 8 % of households are registered elsewhere (tenants, migrant workers).
            local = rng.random() < NONLOCAL_CUTOFF
            address, building = _address(community, rng, n)
            household = Household.objects.create(
                unit=community,
                number=f"{community.code[-3:]}-{n:04d}",
                address=address,
                building=building,
                hukou_kind=HukouKind.LOCAL if local else HukouKind.NONLOCAL,
                hukou_type=HukouType.RURAL if village or rng.random() < 0.08 else HukouType.URBAN,
                assets_within_limits=rng.random() < 0.9,
                irregular_income=rng.random() < 0.15,
            )
            poor = rng.random() < 0.14
            surname = b.fake.last_name()
            residents = []
            for relation, age in plan:
                sex = rng.choice("MF")
                if relation == "spouse":
                    name = b.fake.last_name() + b.fake.first_name()
                else:
                    name = surname + b.fake.first_name()
                birth = _birth(rng, today, age)
                grade = kind = None
                if rng.random() < (0.14 if age >= 60 else 0.05):
                    kind = rng.choice(DISABILITY_KINDS)
                    grade = rng.choice([1, 2, 2, 3, 3, 4, 4, 4])
                income = b.income(age, grade)
                if poor:
                    income = (income / 4).quantize(Decimal("0.01")) if income > 1500 else income
                full, initials = pinyin_keys(name)
                residents.append(
                    Resident(
                        household=household,
                        unit=community,
                        name=name,
                        name_pinyin=full,
                        name_initials=initials,
                        id_number=b.id_number(birth, sex, local),
                        birth_date=birth,
                        sex=sex,
                        phone=b.fake.phone_number() if age >= 16 else "",
                        relation=Relation(relation),
                        lives_alone=len(plan) == 1 and age >= 60,
                        monthly_income=income,
                        disability_kind=kind or "",
                        disability_grade=grade,
                        needs_long_term_care=bool(grade and grade <= 2 and rng.random() < 0.6),
                        in_school=6 <= age <= 22 and relation == "child",
                        has_capable_supporter=not (len(plan) == 1 and age >= 60 and rng.random() < 0.4),
                        # In every MIXED_EVERY-th local household the spouse kept the 户籍 of her home town
                        # (no draw, so the sequence above is undisturbed).
                        member_hukou=(
                            HukouKind.NONLOCAL
                            if local and relation == "spouse" and n % MIXED_EVERY == 0
                            else ""
                        ),
                    )
                )
            Resident.objects.bulk_create(residents)
            _tag_and_benefit(b, household, residents, village, poor)
            made += len(residents)
        total += made
        ctx.say(f"{community.name}：登记居民 {made} 人。")
    ctx.say(f"居民演示数据：共 {total} 人。")


def _tag_and_benefit(b, household, residents, village: bool, poor: bool) -> None:
    rng, today, tags = b.rng, b.today, b.tags
    per_capita = sum(r.monthly_income for r in residents) / len(residents)
    receiving_dibao = (poor and per_capita < DIBAO_STANDARD and rng.random() < 0.7) or (
        # A few households whose income has risen above the standard while still on 低保 (to exit or 渐退).
        DIBAO_STANDARD <= per_capita < DIBAO_STANDARD * Decimal("1.5") and rng.random() < 0.15
    )
    start = today - timedelta(days=rng.randint(60, 1500))
    links, benefits, documents = [], [], []
    # The rules the engine applies: 高龄津贴 and 特困 for local 户籍 only; 低保 is paid for the covered members
    # (local 户籍, not supported as 特困), (standard − per-capita income over everyone) each.
    local = {r.pk: (r.member_hukou or household.hukou_kind) == HukouKind.LOCAL for r in residents}
    tekun = {
        r.pk: local[r.pk]
        and r.lives_alone
        and r.monthly_income < DIBAO_STANDARD
        and not r.has_capable_supporter
        for r in residents
    }
    covered = {r.pk: local[r.pk] and not tekun[r.pk] for r in residents}
    receiving_dibao = receiving_dibao and any(covered.values())
    for r in residents:
        age = r.age_on(today)
        codes = set()
        if age >= 80:
            codes.add("elderly")
        if age >= 80 and local[r.pk]:
            benefits.append(
                Benefit(
                    resident=r,
                    unit_id=r.unit_id,
                    household_id=r.household_id,
                    program="gaoling",
                    start_date=start,
                    monthly_amount=100,
                )
            )
        if r.lives_alone:
            codes.add("alone")
        if len(residents) == 2 and all(x.age_on(today) >= 60 for x in residents):
            codes.add("empty_nest")
        if r.disability_kind:
            codes.add("disabled")
            if r.disability_grade <= 2:
                codes.add("severe_disability")
            if r.disability_kind == "mental":
                codes.add("mental_disorder")
        if receiving_dibao and covered[r.pk]:
            codes.add("dibao")
            amount = max(Decimal(0), (DIBAO_STANDARD - per_capita)).quantize(Decimal("0.01"))
            benefits.append(
                Benefit(
                    resident=r,
                    unit_id=r.unit_id,
                    household_id=r.household_id,
                    program="dibao",
                    start_date=start,
                    monthly_amount=amount,
                )
            )
        if tekun[r.pk]:
            codes.add("tekun")
            benefits.append(
                Benefit(
                    resident=r,
                    unit_id=r.unit_id,
                    household_id=r.household_id,
                    program="tekun",
                    start_date=start,
                    monthly_amount=DIBAO_STANDARD * Decimal("1.3"),
                )
            )
        if village and age >= 60 and rng.random() < 0.3:
            codes.add("left_behind_elderly")
        if village and age < 16 and rng.random() < 0.3:
            codes.add("left_behind_children")
        if age < 18 and poor and rng.random() < 0.25:
            codes.add("children_in_difficulty")
        if 18 <= age < 50 and rng.random() < 0.006:
            codes.add("drug_rehab")
        if 18 <= age < 60 and rng.random() < 0.004:
            codes.add("community_correction")
        links += [Resident.tags.through(resident_id=r.pk, tag_id=tags[c].pk) for c in codes]
        if rng.random() < 0.3:
            documents += [
                ResidentDocument(
                    resident=r, kind=DocumentKind.ID_CARD, received_on=today - timedelta(days=200)
                ),
                ResidentDocument(
                    resident=r, kind=DocumentKind.HUKOU_BOOK, received_on=today - timedelta(days=200)
                ),
            ]
    Resident.tags.through.objects.bulk_create(links)
    Benefit.objects.bulk_create(benefits)
    ResidentDocument.objects.bulk_create(documents)
