"""The demo's 助餐 and 党员 registers: present, subsidised by the dated rates, and never a minor in the register."""

from datetime import date

from quanke.core import demo
from quanke.meals.models import MealCard, MealRecord, MealSubsidyRate
from quanke.party.models import MIN_AGE, InServiceReport, PartyMember


def test_the_demo_seeds_both_registers_consistently(db):
    demo.run()
    today = date.today()
    assert MealSubsidyRate.objects.filter(reference="").exists()  # station-configured values, said so
    assert MealCard.objects.filter(status="active").count() >= 4 * 6
    records = MealRecord.objects.select_related("rate")
    assert records.exists() and all(r.subsidy <= r.price for r in records)
    assert all(r.rate is None or r.rate.start_date <= r.served_on for r in records)
    members = PartyMember.objects.select_related("resident")
    assert members.count() >= 4 * 8 and InServiceReport.objects.exists()
    assert all(m.resident.age_on(today) >= MIN_AGE for m in members)
    assert not members.filter(membership="").exists()  # matter-entered members are completed by the demo
    counts = (MealCard.objects.count(), MealRecord.objects.count(), members.count())
    demo.run()
    assert (MealCard.objects.count(), MealRecord.objects.count(), PartyMember.objects.count()) == counts
