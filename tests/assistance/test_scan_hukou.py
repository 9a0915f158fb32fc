"""The scan under the 户籍 and 特困 rules: no 低保 lead for non-local or 特困 people, a conversion lead instead."""

from datetime import date
from decimal import Decimal

from quanke.assistance import services
from quanke.assistance.models import Finding
from tests.assistance.households import TODAY, benefit, household, member


def scan():
    return services.assistance_scan(actor=None, on=TODAY).run


def open_findings():
    return {
        (f.kind, f.program, f.household.number, f.resident.name if f.resident else None)
        for f in Finding.objects.filter(status="open").select_related("household", "resident")
    }


def test_non_local_households_get_no_dibao_or_gaoling_lead(cast):
    away = household(cast.community_a, "N1", hukou_kind="nonlocal")
    member(away, "外甲", income="0")
    member(away, "外祖", birth=date(1935, 1, 1), income="0")
    scan()
    assert open_findings() == set()


def test_non_local_member_is_left_out_of_the_amount(cast):
    home = household(cast.community_a, "M1")
    member(home, "本夫", income="0")
    member(home, "外妻", income="500", member_hukou="nonlocal")
    # A local member of a non-local household counts: the member's own 户籍 wins.
    other = household(cast.community_a, "M2", hukou_kind="nonlocal")
    member(other, "迁入", income="0", member_hukou="local")
    scan()
    assert open_findings() == {
        ("eligible_not_receiving", "dibao", "M1", None),
        ("eligible_not_receiving", "dibao", "M2", None),
    }
    assert Finding.objects.get(household__number="M1").amount == Decimal("1145.00")  # (1395 − 250) × 1
    assert Finding.objects.get(household__number="M2").amount == Decimal("1395.00")


def test_non_local_recipients_are_leads_to_stop(cast):
    away = household(cast.community_a, "N2", hukou_kind="nonlocal")
    old = member(away, "外老", birth=date(1935, 1, 1), income="0")
    benefit(old, "gaoling", amount="100")
    benefit(old, "dibao", amount="1395")
    scan()
    assert open_findings() == {
        ("no_longer_eligible", "gaoling", "N2", "外老"),
        ("no_longer_eligible", "dibao", "N2", None),
    }


def test_person_supported_as_tekun_raises_no_dibao_lead(cast):
    # Eligible for 特困 by the rules and receiving it: nothing to say.
    alone = household(cast.community_a, "T1")
    old = member(alone, "特甲", birth=date(1950, 1, 1), income="0", has_capable_supporter=False)
    benefit(old, "tekun", amount="1813.50")
    # Receiving 特困 although the registry now records a capable supporter: a 特困 lead, still no 低保 lead.
    kept = household(cast.community_a, "T2")
    other = member(kept, "特乙", birth=date(1951, 1, 1), income="0", has_capable_supporter=True)
    benefit(other, "tekun", amount="1813.50")
    scan()
    assert open_findings() == {("no_longer_eligible", "tekun", "T2", "特乙")}


def test_tekun_eligible_on_dibao_is_a_conversion_lead(cast):
    alone = household(cast.community_a, "C1")
    old = member(alone, "转甲", birth=date(1950, 1, 1), income="0", has_capable_supporter=False)
    benefit(old, "dibao", amount="1395")
    family = household(cast.community_a, "C2")
    gran = member(family, "转祖", birth=date(1950, 1, 1), income="0", has_capable_supporter=False)
    son = member(family, "转子", income="300")
    for r in (gran, son):
        benefit(r, "dibao", amount="500")
    scan()
    assert open_findings() == {
        # No "no longer eligible" 低保 lead beside the conversion: it is the same case.
        ("tekun_instead_of_dibao", "tekun", "C1", "转甲"),
        # The son stays on 低保 (the household keeps a covered member), the grandmother converts.
        ("tekun_instead_of_dibao", "tekun", "C2", "转祖"),
    }
    lead = Finding.objects.get(household__number="C1")
    assert lead.amount == Decimal("1813.50") and lead.current_amount == Decimal("1395.00")
    assert str(lead.get_kind_display()) == "符合特困供养条件，正在享受低保（应转为特困供养）"


def test_conversion_lead_can_open_a_tekun_application(cast):
    alone = household(cast.community_a, "C3")
    old = member(alone, "转丙", birth=date(1950, 1, 1), income="0", has_capable_supporter=False)
    benefit(old, "dibao", amount="1395")
    scan()
    lead = Finding.objects.get(kind="tekun_instead_of_dibao")
    decided = services.finding_confirm(
        actor=cast.head_a, finding=lead, reason="入户核实，符合特困", open_application=True
    )
    app = decided.applications.get()
    assert app.program == "tekun" and app.resident == old
