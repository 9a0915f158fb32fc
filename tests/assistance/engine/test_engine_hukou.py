"""户籍, 特困 and the 低保 cover in assess_household, with their plain-Chinese explanations; 两项补贴 amounts."""

import pytest

from quanke.assistance.engine import AssessmentInputError, ParameterDataError, assess_household

from .test_engine_assess_household import household, member

NOT_LOCAL = "非本地户籍，不计入保障人口"
TEKUN = "已符合特困供养条件，不重复计入低保保障人口"


def test_hukou_local_defaults_to_true_and_is_echoed():
    result = assess_household(household([member(id="a"), member(id="b", hukou_local=False)]))
    assert result["members"]["a"]["hukou_local"] is True
    assert result["members"]["b"]["hukou_local"] is False


def test_hukou_local_must_be_a_boolean():
    with pytest.raises(AssessmentInputError) as caught:
        assess_household(household([member(hukou_local="yes")]))
    assert caught.value.field == "members[0].hukou_local"


def test_non_local_member_is_explained_and_excluded_from_the_amount():
    members = [
        member(id="a", has_capable_supporter=True),
        member(id="b", monthly_income=500, has_capable_supporter=True, hukou_local=False),
    ]
    result = assess_household(household(members))
    assert result["dibao"]["eligible"]
    assert result["dibao"]["covered_members"] == 1
    assert result["dibao"]["monthly_amount"] == 1145.0
    assert result["members"]["b"]["dibao_covered"] is False
    lines = result["dibao"]["explanation"]
    assert any(f"成员 b：{NOT_LOCAL}" in line for line in lines)
    assert any("家庭人均月收入仍按共同生活的 2 人计算" in line for line in lines)
    assert any("× 保障人口 1 人 = 1145.00 元" in line for line in lines)


def test_explanations_call_a_member_by_the_label_given():
    members = [
        member(id="7", label="张秀兰", has_capable_supporter=True),
        member(id="8", label=" 王建国 ", monthly_income=500, has_capable_supporter=True, hukou_local=False),
    ]
    lines = assess_household(household(members))["dibao"]["explanation"]
    assert any(f"王建国：{NOT_LOCAL}" in line for line in lines)
    assert not any("成员 8" in line for line in lines)


@pytest.mark.parametrize("label", ["", "   ", 12, "名" * 51])
def test_a_label_must_be_short_text(label):
    with pytest.raises(AssessmentInputError) as caught:
        assess_household(household([member(label=label)]))
    assert caught.value.field == "members[0].label"


def test_all_non_local_household_is_refused_with_the_reason():
    members = [member(id="a", has_capable_supporter=True, hukou_local=False)]
    result = assess_household(household(members))
    assert not result["dibao"]["eligible"]
    assert result["dibao"]["monthly_amount"] == 0.0
    lines = result["dibao"]["explanation"]
    assert any(NOT_LOCAL in line for line in lines)
    assert any("未满足：至少一名家庭成员计入低保保障人口" in line for line in lines)
    assert any("家庭成员均非本地户籍" in line for line in result["dibao_edge"]["explanation"])


def test_tekun_member_is_not_counted_again_and_says_so():
    members = [
        member(id="old", birth_date="1950-01-01"),
        member(id="son", monthly_income=300, has_capable_supporter=True),
    ]
    result = assess_household(household(members))
    assert result["members"]["old"]["tekun"]["eligible"]
    assert result["dibao"]["covered_members"] == 1
    assert result["dibao"]["monthly_amount"] == 1245.0
    assert any(f"成员 old：{TEKUN}" in line for line in result["dibao"]["explanation"])


def test_non_local_person_programmes_are_refused_with_the_reason():
    away = member(
        id="a",
        birth_date="1938-01-01",
        disability={"kind": "physical", "grade": 1},
        needs_long_term_care=True,
        hukou_local=False,
    )
    result = assess_household(household([away]))["members"]["a"]
    for program in ("tekun", "gaoling", "disability_living", "disability_care"):
        assert not result[program]["eligible"], program
    assert any("非本地户籍：不符合" in line for line in result["tekun"]["explanation"])
    assert any("未满足" in line and "本地户籍" in line for line in result["tekun"]["explanation"])
    assert any("非本地户籍" in line for line in result["gaoling"]["explanation"])
    assert any("非本地户籍：不符合" in line for line in result["disability_care"]["explanation"])
    assert any(f"{NOT_LOCAL}：不符合" in line for line in result["disability_living"]["explanation"])


def test_tekun_person_gets_no_living_subsidy_and_is_told_why():
    person = member(id="a", disability={"kind": "mental", "grade": 1})
    result = assess_household(household([person]))["members"]["a"]
    assert result["tekun"]["eligible"]
    assert not result["disability_living"]["eligible"]
    assert any(f"{TEKUN}：不符合" in line for line in result["disability_living"]["explanation"])


def test_subsidy_amount_is_set_locally_when_the_locality_has_none():
    person = member(
        id="a",
        disability={"kind": "physical", "grade": 1},
        needs_long_term_care=True,
        has_capable_supporter=True,
    )
    result = assess_household(household([person]))["members"]["a"]
    assert result["disability_living"]["eligible"] and result["disability_care"]["eligible"]
    assert result["disability_living"]["monthly_amount"] is None
    assert result["disability_care"]["monthly_amount"] is None
    assert any("补贴标准由当地确定" in line for line in result["disability_living"]["explanation"])
    assert any("补贴标准由当地确定" in line for line in result["disability_care"]["explanation"])


AMOUNTS = {
    "localities": {
        "beijing": {
            "disability_living": {"amount": {"values": {"2023-01-01": 410}}},
            "disability_care": {
                "amount": {
                    "grade_1": {"values": {"2023-01-01": 300}},
                    "other_grades": {"values": {"2023-01-01": 150}},
                }
            },
        }
    }
}


def test_subsidy_amounts_from_parameters_by_grade():
    members = [
        member(id="a", disability={"kind": "physical", "grade": 1}, needs_long_term_care=True),
        member(id="b", disability={"kind": "intellectual", "grade": 3}, needs_long_term_care=True),
        member(id="c", disability={"kind": "speech", "grade": 4}, needs_long_term_care=True),
    ]
    for m in members:
        m["has_capable_supporter"] = True
    result = assess_household(household(members), parameters=AMOUNTS)["members"]
    assert result["a"]["disability_care"]["monthly_amount"] == 300.0
    assert result["b"]["disability_care"]["monthly_amount"] == 150.0
    assert result["c"]["disability_care"]["monthly_amount"] == 0.0  # not in the care scope
    assert [result[k]["disability_living"]["monthly_amount"] for k in "abc"] == [410.0, 410.0, 410.0]
    assert any(
        "补贴 300.00 元/月（北京市，2023-01-01 起执行）" in line
        for line in result["a"]["disability_care"]["explanation"]
    )
    # Before the amounts' date the locality had none.
    earlier = assess_household(household(members, date="2022-12-31"), parameters=AMOUNTS)["members"]
    assert earlier["a"]["disability_care"]["monthly_amount"] is None


def test_care_amounts_must_come_together():
    partial = {"localities": {"beijing": {"disability_care": {"amount": {"grade_1": {"2023-01-01": 300}}}}}}
    with pytest.raises(ParameterDataError):
        assess_household(household(), parameters=partial)


def test_every_variable_cites_its_policy_text():
    from quanke.assistance.engine import build_system

    system = build_system().get("beijing").tax_benefit_system
    missing = [name for name, variable in system.variables.items() if not variable.reference]
    assert missing == []
    assert any("第十二条" in text for text in system.variables["dibao_monthly_amount_cents"].reference)
    assert any("国发〔2015〕52号" in text for text in system.variables["disability_care_eligible"].reference)
