"""Suggestion over the real default catalog and dictionary, as installed by `migrate`."""

import pytest

from quanke.catalog.models import Item, StationItemSetting
from quanke.intake.models import IntakeSynonym
from quanke.intake.selectors import suggest_items


def top_codes(text, top=3, **kw):
    return [s.code for s in suggest_items(text, top=top, **kw)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("灯泡憋了", "CV-ELECTRIC-REPAIR"),
        ("来帮闺女领独生子女费", "FP-ONECHILD-REWARD"),
        ("厂子倒闭了能领钱吗", "EM-UNEMP-BENEFIT"),
        ("我妈瘫在床上好几年了有没有补贴", "EL-CARE-SUBSIDY"),
        ("俺家孩子他爸走了日子过不下去", "SA-DIBAO"),
        ("dbsq", "SA-DIBAO"),
        ("饭卡在哪办", "EL-MEAL"),
        ("失业金怎么领", "EM-UNEMP-BENEFIT"),
    ],
)
def test_colloquial_requests_rank_the_right_item_first(db, text, expected):
    assert top_codes(text)[0] == expected


def test_refused_certificates_are_still_suggested(db):
    # The desk must be able to tell the resident where to go instead.
    assert top_codes("单位让我开个无犯罪记录证明")[0] == "CT-REF-NO-CRIME"


def test_scores_descend_and_words_are_reported(db):
    found = suggest_items("老年卡丢了要补办", top=5)
    assert found[0].code == "EL-SENIOR-CARD-REISSUE"
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert found[0].matched


def test_inactive_items_never_appear_and_the_index_refreshes(db, fresh_index):
    assert "SA-DIBAO" in top_codes("低保申请")
    item = Item.objects.get(code="SA-DIBAO")
    item.active = False
    item.save(update_fields=["active", "updated_at"])
    assert "SA-DIBAO" not in top_codes("低保申请", top=10)


def test_new_keyword_takes_effect_after_catalog_change(db, fresh_index):
    assert "VL-REGISTER" not in top_codes("我要办啵啵蛋")
    item = Item.objects.get(code="VL-REGISTER")
    item.keywords = [*item.keywords, "啵啵蛋"]
    item.save(update_fields=["keywords", "updated_at"])
    assert top_codes("我要办啵啵蛋")[0] == "VL-REGISTER"


def test_synonym_added_in_the_admin_model_takes_effect(db, fresh_index):
    IntakeSynonym.objects.create(term="狗牌", item_codes=["CT-REF-DOG"], weight=2.0)
    assert top_codes("要个狗牌")[0] == "CT-REF-DOG"
    IntakeSynonym.objects.create(term="打酱油证", expansions=["志愿者注册"])
    assert top_codes("打酱油证")[0] == "VL-REGISTER"


def test_items_switched_off_at_a_station_are_left_out_there(cast, fresh_index):
    item = Item.objects.get(code="CV-DRAIN")
    StationItemSetting.objects.create(unit=cast.community_a, item=item, enabled=False)
    assert "CV-DRAIN" not in top_codes("下水道堵了", unit=cast.community_a)
    assert top_codes("下水道堵了", unit=cast.community_b)[0] == "CV-DRAIN"


def test_synonym_validation_names_unknown_codes(db):
    from django.core.exceptions import ValidationError

    syn = IntakeSynonym(term="某说法", item_codes=["NO-SUCH-ITEM"])
    with pytest.raises(ValidationError):
        syn.full_clean()
