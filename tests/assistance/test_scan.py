import random
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from quanke.assistance import parameters, selectors, services
from quanke.assistance.engine import assess_household
from quanke.assistance.models import Finding, FindingStatus, Locality, ScanRun, UnitLocality
from tests.assistance.households import TODAY, benefit, household, member


def scan(**kwargs):
    kwargs.setdefault("on", TODAY)
    return services.assistance_scan(actor=None, **kwargs).run


def open_findings():
    return {
        (f.kind, f.program, f.household.number, f.resident.name if f.resident else None)
        for f in Finding.objects.filter(status="open").select_related("household", "resident")
    }


@pytest.fixture
def registry(cast):
    """A poor household not on 低保, a recipient household whose income rose (渐退), one far above (exit)."""
    poor = household(cast.community_a, "P1")
    member(poor, "贫甲", income="500")
    member(poor, "贫乙", birth=date(2015, 5, 1), in_school=True)
    rising = household(cast.community_a, "R1")
    mum = member(rising, "升母", income="3000")
    gran = member(
        rising,
        "升祖",
        birth=date(1940, 1, 1),
        income="0",
        disability_kind="physical",
        disability_grade=1,
        needs_long_term_care=True,
    )
    for r in (mum, gran):
        benefit(r, "dibao", amount="300")
    rich = household(cast.community_b, "X1")
    richer = member(rich, "富甲", income="9000")
    benefit(richer, "dibao", amount="200")
    benefit(richer, "gaoling", amount="100")  # 44 years old: no longer eligible
    return {"poor": poor, "rising": rising, "rich": rich}


def test_scan_fills_the_queue_with_both_directions(registry):
    run = scan()
    assert run.households == 3 and run.residents == 5
    assert open_findings() == {
        ("eligible_not_receiving", "dibao", "P1", None),
        ("gradual_exit", "dibao", "R1", None),
        ("eligible_not_receiving", "gaoling", "R1", "升祖"),
        ("eligible_not_receiving", "disability_care", "R1", "升祖"),
        ("no_longer_eligible", "dibao", "X1", None),
        ("no_longer_eligible", "gaoling", "X1", "富甲"),
    }
    poor = Finding.objects.get(household__number="P1")
    assert poor.amount == Decimal("2290.00")  # 1395 x 2 - 500
    assert poor.unit == registry["poor"].unit and poor.locality == "beijing"
    exit_ = Finding.objects.get(household__number="R1", kind="gradual_exit")
    assert exit_.current_amount == Decimal("600.00")
    programs = {a["program"] for a in exit_.details["alternatives"]}
    assert programs == {"dibao_edge", "gaoling", "disability_care"}


def test_nobody_is_enrolled_or_removed(registry):
    from quanke.registry.models import Benefit

    before = list(Benefit.objects.values().order_by("id"))
    scan()
    assert list(Benefit.objects.values().order_by("id")) == before


def test_rerun_does_not_duplicate_and_lapses_what_changed(registry):
    first = scan()
    assert first.findings_new == 6
    second = scan()
    assert (second.findings_new, second.findings_kept, second.findings_lapsed) == (0, 6, 0)
    assert Finding.objects.count() == 6
    # The poor household's income is now recorded; its lead lapses, the others stay.
    registry["poor"].members.filter(name="贫甲").update(monthly_income=Decimal("5000"))
    third = scan()
    assert third.findings_lapsed == 1 and third.findings_new == 0
    lapsed = Finding.objects.get(household__number="P1")
    assert lapsed.status == FindingStatus.LAPSED and lapsed.last_run == third


def test_a_decided_finding_is_not_raised_again_soon(registry, cast):
    scan()
    finding = Finding.objects.get(household__number="P1")
    services.finding_dismiss(actor=cast.back_a, finding=finding, reason="收入未更新，实际在职")
    run = scan()
    assert run.findings_new == 0
    assert Finding.objects.filter(household__number="P1").count() == 1


def test_the_snooze_is_the_stations_setting(registry, cast):
    scan()
    finding = Finding.objects.get(household__number="P1")
    services.finding_dismiss(actor=cast.back_a, finding=finding, reason="收入未更新，实际在职")
    Finding.objects.filter(pk=finding.pk).update(decided_at=timezone.now() - timedelta(days=30))
    assert scan().findings_new == 0  # within the default 180 days
    cast.community_a.finding_snooze_days = 20  # community A's own setting: 20 days
    cast.community_a.save()
    assert scan().findings_new == 1
    assert Finding.objects.filter(household__number="P1", status="open").count() == 1


def test_amounts_follow_the_date(registry):
    scan(on=date(2023, 6, 30))
    assert Finding.objects.get(household__number="P1", status="open").amount == Decimal(
        "2140.00"
    )  # 1320 x 2 - 500
    scan(on=TODAY)
    assert Finding.objects.get(household__number="P1", status="open").amount == Decimal("2290.00")


def test_locality_mapping_and_filter(registry, cast):
    UnitLocality.objects.create(unit=cast.street_2, locality=Locality.objects.get(code="chongqing"))
    far = household(cast.community_c, "C1", hukou_type="rural")
    member(far, "渝甲", income="550")  # below Chongqing rural 600 from 2023-09-01
    run = scan(locality="chongqing")
    assert run.households == 1
    finding = Finding.objects.get(household=far)
    assert finding.locality == "chongqing" and finding.amount == Decimal("50.00")
    assert not Finding.objects.exclude(household=far).exists()
    scan()  # all localities: Beijing's leads appear, Chongqing's stays open once
    assert Finding.objects.filter(household=far, status="open").count() == 1
    assert Finding.objects.filter(locality="beijing").count() == 6


def test_command_reports_progress_and_rejects_bad_arguments(registry):
    out = StringIO()
    call_command("assistance_scan", "--date", "2024-03-15", stdout=out)
    text = out.getvalue()
    assert "读取登记数据：3 户、5 人" in text and "按规则评估" in text and "写入复核队列：新增 6 条" in text
    assert ScanRun.objects.get().findings_new == 6
    with pytest.raises(CommandError, match="未知地区"):
        call_command("assistance_scan", "--locality", "atlantis", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("assistance_scan", "--date", "15/03/2024", stdout=StringIO())


def test_bulk_scan_agrees_with_the_explained_assessment(cast):
    """Random households through the scan and through assess_household one by one: same decisions."""
    rng = random.Random(5)
    kinds = ["", "", "", "physical", "intellectual", "visual", "mental", "hearing"]
    for n in range(60):
        home = household(
            cast.community_a,
            f"Z{n}",
            hukou_type=rng.choice(["urban", "rural"]),
            assets=rng.random() < 0.85,
            hukou_kind="nonlocal" if rng.random() < 0.15 else "local",
        )
        for i in range(rng.randint(1, 4)):
            kind = rng.choice(kinds)
            person = member(
                home,
                f"随{n}_{i}",
                birth=date(rng.randint(1920, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                income=str(rng.choice([0, 300, 800, 1200, 1500, 2000, 4000])),
                disability_kind=kind,
                disability_grade=rng.randint(1, 4) if kind else None,
                needs_long_term_care=rng.random() < 0.3,
                has_capable_supporter=rng.random() < 0.6,
                member_hukou=rng.choice(["", "", "", "", "local", "nonlocal"]),
            )
            if rng.random() < 0.2:
                benefit(person, rng.choice(["dibao", "gaoling", "tekun", "disability_care"]))
    scan()
    found = {(f.kind, f.program, f.household_id, f.resident_id) for f in Finding.objects.all()}
    overrides = parameters.parameter_overrides()
    expected = set()
    for home in cast.community_a.households.prefetch_related("members__benefits"):
        members = list(home.members.order_by("id"))
        benefits = [b for m in members for b in m.benefits.all()]
        data = selectors.household_input(
            household=home, members=members, benefits=benefits, on=TODAY, locality="beijing"
        )
        result = assess_household(data, parameters=overrides)
        held = {(b.program, b.resident_id) for b in benefits}
        on_dibao = "dibao" in data["receiving"]
        outcomes = result["members"]
        convert = {
            m.pk
            for m in members
            if on_dibao and outcomes[str(m.pk)]["tekun"]["eligible"] and ("tekun", m.pk) not in held
        }
        covered_not_tekun = any(
            outcomes[str(m.pk)]["dibao_covered"] and ("tekun", m.pk) not in held for m in members
        )
        income_below = sum(m.monthly_income for m in members) < Decimal(str(result["standard"])) * len(
            members
        )
        only_conversion = (
            convert and home.assets_within_limits and income_below and result["dibao"]["covered_members"] == 0
        )
        if result["dibao"]["eligible"] and not on_dibao and covered_not_tekun:
            expected.add(("eligible_not_receiving", "dibao", home.pk, None))
        if on_dibao and not result["dibao"]["eligible"] and not only_conversion:
            expected.add(
                ("gradual_exit" if result["gradual_exit"] else "no_longer_eligible", "dibao", home.pk, None)
            )
        for pk in convert:
            expected.add(("tekun_instead_of_dibao", "tekun", home.pk, pk))
        if result["dibao_edge"]["eligible"] and not on_dibao:
            expected.add(("eligible_not_receiving", "dibao_edge", home.pk, None))
        for m in members:
            outcome = result["members"][str(m.pk)]
            for program in ("tekun", "gaoling", "disability_living", "disability_care"):
                has = (program, m.pk) in held
                if program == "tekun" and m.pk in convert:
                    continue
                if outcome[program]["eligible"] and not has:
                    expected.add(("eligible_not_receiving", program, home.pk, m.pk))
                if has and not outcome[program]["eligible"]:
                    expected.add(("no_longer_eligible", program, home.pk, m.pk))
    assert found == expected
    assert len(found) > 20


def test_ended_and_future_benefits_do_not_count(cast):
    home = household(cast.community_a, "E1")
    old = member(home, "老甲", birth=date(1935, 1, 1), income="3000")
    benefit(old, "gaoling", start=date(2020, 1, 1), end=TODAY - timedelta(days=1), amount="100")
    run = scan()
    assert run.findings_new == 1
    assert Finding.objects.get().kind == "eligible_not_receiving"


def test_scan_run_is_audited(registry):
    from quanke.core.models import AuditEvent

    run = scan()
    assert AuditEvent.objects.filter(object_type="assistance.scanrun", object_id=str(run.pk)).exists()
    assert run.finished_at is not None and run.finished_at <= timezone.now()
    assert set(run.stages) == {"read", "evaluate", "write"}
