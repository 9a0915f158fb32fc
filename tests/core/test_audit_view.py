from django.urls import reverse

from quanke.core.models import AuditEvent
from quanke.registry import services
from tests.conftest import make_resident
from tests.support import login


def test_admin_browses_the_audit_trail(client, cast):
    r = make_resident(cast.community_a, "张三丰")
    services.resident_update(actor=cast.desk_a, resident=r, phone="13900000000")
    login(client, cast.admin)
    body = client.get(reverse("core:audit_list") + "?action=update").content.decode()
    assert "desk_a" in body and "13900000000" in body


def test_non_admins_are_refused_the_audit_trail(client, cast):
    for user in (cast.desk_a, cast.head_a, cast.county_viewer):
        login(client, user)
        assert client.get(reverse("core:audit_list")).status_code == 403
        client.logout()


def test_audit_events_cannot_be_changed_in_the_admin(client, cast):
    event = AuditEvent.objects.create(actor=cast.desk_a, action="update", object_type="x", object_id="1")
    login(client, cast.admin)
    response = client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_trail_names_models_and_changes_in_chinese(client, cast):
    """Defect 12: no raw model names (registry.resident) or dicts on /audit/."""
    from quanke.registry.models import Resident

    r = make_resident(cast.community_a, "张三丰", phone="13800000000")
    services.resident_update(actor=cast.desk_a, resident=r, phone="13900000000")
    login(client, cast.admin)
    html = client.get(reverse("core:audit_list") + "?action=update").content.decode()
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "registry.resident" not in table and "{" not in table and "phone" not in table
    assert str(Resident._meta.verbose_name) in table
    phone = str(Resident._meta.get_field("phone").verbose_name)
    assert f"{phone}：13800000000 → 13900000000" in table


def test_readable_changes_use_choice_labels_and_known_keys(cast):
    from quanke.core import audit

    event = AuditEvent(
        action="transition",
        object_type="core.user",
        changes={"is_active": [True, False], "reason": "调离"},
    )
    assert audit.object_type_label("core.user") != "core.user"
    assert audit.readable_changes(event) == [("有效", "是 → 否"), ("理由", "调离")]
    assert audit.object_type_label("export") == "export"


def test_a_change_named_like_a_reverse_relation_gets_its_label(cast):
    from quanke.core import audit

    event = AuditEvent(action="update", object_type="registry.household", changes={"members": [1, 2]})
    assert audit.readable_changes(event)[0][1] == "1 → 2"
