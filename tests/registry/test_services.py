from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quanke.core.models import AuditEvent
from quanke.registry import idnumber, services
from quanke.registry.models import Household
from tests.conftest import make_resident


def test_update_records_what_changed(cast):
    r = make_resident(cast.community_a, "张三丰", monthly_income=Decimal("1000"))
    services.resident_update(actor=cast.desk_a, resident=r, monthly_income=Decimal("1500.50"), name="张三峰")
    event = AuditEvent.objects.get(action="update", object_id=str(r.pk))
    assert event.actor == cast.desk_a
    assert event.changes["monthly_income"] == ["1000.00", "1500.50"]
    assert event.changes["name"] == ["张三丰", "张三峰"]
    r.refresh_from_db()
    assert r.name_pinyin == "zhangsanfeng"


def test_update_keeps_sensitive_tags_the_actor_cannot_see(cast, tag):
    r = make_resident(cast.community_a)
    r.tags.add(tag("community_correction"), tag("elderly"))
    services.resident_update(actor=cast.desk_a, resident=r, tags=[tag("alone")])
    assert set(r.tags.values_list("code", flat=True)) == {"community_correction", "alone"}


def test_disability_kind_and_grade_go_together(cast):
    r = make_resident(cast.community_a)
    with pytest.raises(ValidationError):
        services.resident_update(
            actor=cast.desk_a, resident=r, disability_kind="physical", disability_grade=None
        )
    with pytest.raises(ValidationError):
        services.resident_update(
            actor=cast.desk_a, resident=r, disability_kind="physical", disability_grade=5
        )


def test_duplicate_id_number_refused(cast):
    r = make_resident(cast.community_a)
    h = Household.objects.create(unit=cast.community_a, number="X1", address="x")
    with pytest.raises(ValidationError) as exc:
        services.resident_create(actor=cast.desk_a, household=h, name="某", id_number=r.id_number)
    assert "已登记" in str(exc.value)
    # The stable code the API answers with.
    assert exc.value.error_dict["id_number"][0].code == "registry.duplicate_id_number"


def test_create_in_other_community_refused_and_nothing_written(cast):
    h = Household.objects.create(unit=cast.community_b, number="X2", address="x")
    number = idnumber.build("330102", date(1970, 1, 1), 41)
    with pytest.raises(PermissionDenied):
        services.resident_create(actor=cast.desk_a, household=h, name="某", id_number=number)
    assert not h.members.exists() and not AuditEvent.objects.exists()


def test_county_viewer_cannot_write(cast):
    r = make_resident(cast.community_a, monthly_income=Decimal("1000"))
    with pytest.raises(PermissionDenied):
        services.resident_update(actor=cast.county_viewer, resident=r, monthly_income=Decimal("1"))
    r.refresh_from_db()
    assert r.monthly_income == Decimal("1000")
