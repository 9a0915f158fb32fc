"""The knowledge base: seeded documents, versions (supersede), item knowledge and search."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from quanke.catalog import selectors, services
from quanke.catalog.knowledge_search import search_documents
from quanke.catalog.models import DocStatus, Document, Item
from quanke.core.models import AuditEvent
from tests.support import login


def beijing(year):
    return Document.objects.get(title=f"北京市调整最低生活保障标准的通知（{year}年）")


def test_every_item_has_a_current_procedure_after_migrate(db):
    items = Item.objects.filter(active=True)
    with_procedure = Item.objects.filter(
        documents__kind="procedure", documents__in=Document.objects.current()
    )
    assert items.count() == 146
    assert set(items.values_list("code", flat=True)) == set(with_procedure.values_list("code", flat=True))
    refused = selectors.item_knowledge(Item.objects.get(code="CT-REF-NO-CRIME"))["procedure"]
    assert any("不出具" in s for s in refused.steps)


def test_beijing_standards_form_a_chain_with_one_current(db):
    old, middle, new = beijing(2021), beijing(2022), beijing(2023)
    assert new.supersedes == middle and middle.supersedes == old
    assert new.is_current() and "1395" in new.body
    for doc in (old, middle):
        assert doc.status == DocStatus.SUPERSEDED and not doc.is_current()
    assert middle.expires_on == date(2023, 7, 1)
    # On a day in 2022, the 2022 standard was the one in force.
    assert middle.is_current(date(2022, 12, 1)) and not new.is_current(date(2022, 12, 1))
    policies = selectors.item_knowledge(Item.objects.get(code="SA-DIBAO"))["policies"]
    assert new in policies and old not in policies and middle not in policies


def test_supersede_keeps_the_old_version_marked_expired(cast):
    old = beijing(2023)
    item = Item.objects.get(code="SA-DIBAO")
    new = services.document_supersede(
        actor=cast.head_a,
        document=old,
        changes={"title": "北京市调整最低生活保障标准的通知（2024年）", "effective_from": date(2024, 7, 1)},
    )
    old.refresh_from_db()
    assert Document.objects.filter(pk=old.pk).exists()
    assert old.status == DocStatus.SUPERSEDED and old.expires_on == date(2024, 7, 1)
    assert not old.is_current() and "已失效" in old.display_status()
    assert new.is_current() and new.supersedes == old and set(new.items.all()) == set(old.items.all())
    assert old not in Document.objects.current() and new in Document.objects.current()
    policies = selectors.item_knowledge(item)["policies"]
    assert new in policies and old not in policies
    assert [v.pk for v in old.versions()][:2] == [new.pk, old.pk]
    assert AuditEvent.objects.filter(object_id=str(old.pk), action="transition", actor=cast.head_a).exists()
    # An expired version cannot be superseded again.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.document_supersede(actor=cast.head_a, document=old, changes={"title": "再来一版"})


def test_a_future_version_takes_over_on_its_date(cast):
    old = beijing(2023)
    starts = date.today() + timedelta(days=30)
    new = services.document_supersede(actor=cast.admin, document=old, changes={"effective_from": starts})
    old.refresh_from_db()
    assert old.is_current() and not new.is_current()
    assert old.is_current(starts - timedelta(days=1)) and not old.is_current(starts)
    assert new.is_current(starts)


def test_desk_worker_cannot_supersede_and_nothing_changes(client, cast):
    old = beijing(2023)
    before = (Document.objects.count(), old.status, old.expires_on)
    with pytest.raises(PermissionDenied):
        services.document_supersede(actor=cast.desk_a, document=old, changes={"title": "x"})
    response = login(client, cast.desk_a).post(
        reverse("catalog:kb_supersede", args=[old.pk]), {"title": "偷换", "effective_from": "2024-07-01"}
    )
    assert response.status_code == 403
    old.refresh_from_db()
    assert (Document.objects.count(), old.status, old.expires_on) == before
    assert not AuditEvent.objects.filter(object_type="catalog.document").exists()
    detail = client.get(reverse("catalog:kb_detail", args=[old.pk])).content.decode()
    assert reverse("catalog:kb_supersede", args=[old.pk]) not in detail


def test_station_head_supersedes_through_the_page(client, cast):
    old = beijing(2023)
    login(client, cast.head_a)
    assert client.get(reverse("catalog:kb_supersede", args=[old.pk])).status_code == 200
    response = client.post(
        reverse("catalog:kb_supersede", args=[old.pk]),
        {
            "title": "北京市调整最低生活保障标准的通知（2024年）",
            "effective_from": "2024-07-01",
            "body": "每人每月1450元",
        },
    )
    new = Document.objects.get(supersedes=old)
    assert response.status_code == 302 and response["Location"] == reverse("catalog:kb_detail", args=[new.pk])
    body = client.get(reverse("catalog:kb_detail", args=[old.pk])).content.decode()
    assert "已失效（已被新版本替代）" in body and "本文档不是现行版本" in body


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("民发〔2020〕20号", "关于改进和规范基层群众性自治组织出具证明工作的指导意见"),
        ("民发[2020]20号", "关于改进和规范基层群众性自治组织出具证明工作的指导意见"),
        ("国务院令第649号", "社会救助暂行办法（2019年修订）"),
        ("国发〔2015〕52号", "国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见"),
        ("特困人员认定", "特困人员认定办法"),
    ],
)
def test_search_finds_policies_by_number_or_words(db, query, title):
    assert search_documents(query)[0].title == title


def test_search_ranks_the_superseded_version_below_the_current_one(db):
    titles = [d.title for d in search_documents("国务院令第649号")[:2]]
    assert titles == ["社会救助暂行办法（2019年修订）", "社会救助暂行办法"]


def test_knowledge_list_is_bounded_in_queries(client, cast, django_assert_max_num_queries):
    login(client, cast.desk_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:kb_list"))
    assert response.status_code == 200 and "现行有效" in response.content.decode()
    body = client.get(reverse("catalog:kb_list"), {"q": "649号", "all": "1"}).content.decode()
    assert "社会救助暂行办法" in body


def test_item_detail_shows_current_procedure_and_policies(client, cast):
    body = (
        login(client, cast.desk_a)
        .get(reverse("catalog:item_detail", args=["EM-UNEMP-BENEFIT"]))
        .content.decode()
    )
    assert "办事流程" in body and "失业保险条例" in body and "国务院令第258号" in body
