"""The seeded demo follows the 户籍 and 特困 rules: non-local residents exist and are paid neither 低保 nor
高龄津贴, and the demo's scan raises no 低保 lead for people supported as 特困."""

from django.db.models import Q
from django.utils import timezone

from quanke.assistance.models import Finding
from quanke.core import demo
from quanke.registry.models import Benefit, Resident


def test_demo_respects_hukou_and_tekun_rules(db):
    demo.run()
    today = timezone.localdate()
    residents = list(Resident.objects.select_related("household"))
    away = {r.pk for r in residents if not r.hukou_local}
    # A realistic share of residents registered elsewhere, including members of local households.
    assert 0.05 <= len(away) / len(residents) <= 0.12
    assert any(r.member_hukou == "nonlocal" and r.household.hukou_kind == "local" for r in residents)
    current = Benefit.objects.filter(start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    assert current.filter(program="dibao").exists() and current.filter(program="gaoling").exists()
    for program in ("dibao", "gaoling", "tekun"):
        assert not current.filter(program=program, resident_id__in=away).exists(), program
    tekun = set(current.filter(program="tekun").values_list("resident_id", flat=True))
    assert tekun
    assert not current.filter(program="dibao", resident_id__in=tekun).exists()

    # Every 低保 lead is about a household with someone 低保 could cover: a local member not on 特困.
    coverable = {r.household_id for r in residents if r.pk not in away and r.pk not in tekun}
    dibao_leads = Finding.objects.filter(program="dibao")
    assert dibao_leads.exists()
    assert not dibao_leads.exclude(household_id__in=coverable).exists()
    tekun_households = set(current.filter(program="tekun").values_list("household_id", flat=True))
    assert not dibao_leads.filter(kind="eligible_not_receiving", household_id__in=tekun_households).exists()
