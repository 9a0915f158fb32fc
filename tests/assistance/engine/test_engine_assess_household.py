"""assess_household: output contract, explanations, input validation and parameter overrides."""

import copy
import datetime
import decimal
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quanke.assistance.engine import (
    AssessmentInputError,
    EngineError,
    ParameterDateError,
    UnknownLocalityError,
    assess_household,
    available_localities,
)

ROOT = Path(__file__).resolve().parents[3]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def member(**changes):
    data = {
        "id": "m1",
        "birth_date": "1980-05-05",
        "sex": "female",
        "monthly_income": 0,
        "disability": None,
        "in_school": False,
        "needs_long_term_care": False,
        "has_capable_supporter": False,
    }
    data.update(changes)
    return data


def household(members=None, **changes):
    data = {
        "locality": "beijing",
        "date": "2023-07-01",
        "hukou": "urban",
        "assets_within_limits": True,
        "receiving": [],
        "members": members if members is not None else [member()],
    }
    data.update(changes)
    return data


# --- Output contract --------------------------------------------------------------------------------


def test_output_has_exactly_the_documented_shape():
    result = assess_household(household([member(id="a"), member(id="b", birth_date="1940-01-01")]))
    assert set(result) == {"standard", "dibao", "dibao_edge", "gradual_exit", "members", "warnings"}
    assert set(result["dibao"]) == {"eligible", "monthly_amount", "covered_members", "explanation"}
    assert set(result["dibao_edge"]) == {"eligible", "explanation"}
    assert isinstance(result["gradual_exit"], bool)
    assert list(result["members"]) == ["a", "b"]
    for data in result["members"].values():
        assert set(data) == {
            "age",
            "hukou_local",
            "dibao_covered",
            "tekun",
            "gaoling",
            "disability_living",
            "disability_care",
        }
        assert type(data["age"]) is int
        assert set(data["tekun"]) == {"eligible", "monthly_basic", "explanation"}
        assert set(data["gaoling"]) == {"eligible", "monthly_amount", "explanation"}
        assert set(data["disability_living"]) == {"eligible", "monthly_amount", "explanation"}
        assert set(data["disability_care"]) == {"eligible", "monthly_amount", "explanation"}
        assert type(data["hukou_local"]) is bool and type(data["dibao_covered"]) is bool
        for program in data.values():
            if isinstance(program, dict):
                assert type(program["eligible"]) is bool
                assert program["explanation"] and all(
                    isinstance(line, str) for line in program["explanation"]
                )
    assert type(result["standard"]) is float
    assert type(result["dibao"]["monthly_amount"]) is float
    assert result["members"]["b"]["age"] == 83


def test_single_member_amount_and_standard():
    result = assess_household(household([member(monthly_income=800)]))
    assert result["standard"] == 1395.0
    assert result["dibao"] == {
        "eligible": True,
        "monthly_amount": 595.0,
        "covered_members": 1,
        "explanation": result["dibao"]["explanation"],
    }


def test_amounts_are_exact_to_the_cent():
    members = [member(id="a", monthly_income=333.33), member(id="b", monthly_income=333.33)]
    members.append(member(id="c", monthly_income=decimal.Decimal("333.34")))
    assert assess_household(household(members))["dibao"]["monthly_amount"] == 3185.0
    # 0.1 + 0.2 is 0.30000000000000004 in binary; it still counts as 30 cents.
    assert (
        assess_household(household([member(monthly_income=0.1 + 0.2)]))["dibao"]["monthly_amount"] == 1394.7
    )


@pytest.mark.parametrize(
    ("income", "amount"),
    [
        (100.005, 1294.99),
        (decimal.Decimal("100.004"), 1295.0),
        (decimal.Decimal("0.005"), 1394.99),
        (100, 1295.0),
    ],
)
def test_sub_cent_income_rounds_half_up(income, amount):
    assert assess_household(household([member(monthly_income=income)]))["dibao"]["monthly_amount"] == amount


def test_integer_member_ids_become_string_keys():
    result = assess_household(household([member(id=1), member(id=2)]))
    assert list(result["members"]) == ["1", "2"]


# --- Explanations -----------------------------------------------------------------------------------


def test_dibao_explanation_names_value_parameter_and_effective_date():
    lines = assess_household(household([member(monthly_income=800)]))["dibao"]["explanation"]
    assert "家庭人均月收入 800.00 元 < 低保标准 1395.00 元（北京市，2023-07-01 起执行）：符合" in lines
    assert "家庭财产在当地规定的限额内：符合" in lines
    assert any("月低保金" in line and "595.00 元" in line for line in lines)


def test_explanation_uses_the_value_in_force_on_the_date():
    lines = assess_household(household([member(monthly_income=800)], date="2023-06-30"))["dibao"][
        "explanation"
    ]
    assert "家庭人均月收入 800.00 元 < 低保标准 1320.00 元（北京市，2022-07-01 起执行）：符合" in lines


def test_chongqing_explanation_names_the_hukou_standard():
    data = household([member(monthly_income=650)], locality="chongqing", date="2023-09-01", hukou="rural")
    result = assess_household(data)
    assert result["standard"] == 600.0
    assert not result["dibao"]["eligible"]
    lines = result["dibao"]["explanation"]
    assert "家庭人均月收入 650.00 元 ≥ 农村低保标准 600.00 元（重庆市，2023-09-01 起执行）：不符合" in lines
    assert "不符合低保条件（未满足：家庭人均月收入低于低保标准），月低保金 0.00 元" in lines
    edge = result["dibao_edge"]
    assert edge["eligible"]
    assert any(
        "900.00 元" in line and "1.5 倍" in line and "2014-05-01" in line for line in edge["explanation"]
    )


def test_failed_conditions_are_named():
    result = assess_household(household([member(monthly_income=2000)], assets_within_limits=False))
    assert (
        "不符合低保条件（未满足：家庭财产在当地规定的限额内、家庭人均月收入低于低保标准），月低保金 0.00 元"
        in (result["dibao"]["explanation"])
    )
    assert "家庭财产超出当地规定的限额：不符合" in result["dibao"]["explanation"]


def test_tekun_explanations_for_eligible_and_ineligible_members():
    members = [
        member(id="old", birth_date="1963-07-01", monthly_income=100),
        member(id="young", birth_date="1963-07-02", disability={"kind": "physical", "grade": 3}),
    ]
    result = assess_household(household(members))["members"]
    old, young = result["old"]["tekun"], result["young"]["tekun"]
    assert old["eligible"] and old["monthly_basic"] == 1813.5
    assert any("年龄 60 周岁 ≥ 60 周岁（全国默认，2014-05-01 起执行）" in line for line in old["explanation"])
    assert any("1.3 倍（全国默认，2014-05-01 起执行）= 1813.50 元/月" in line for line in old["explanation"])
    assert not young["eligible"] and young["monthly_basic"] == 0.0
    capacity = young["explanation"][0]
    assert "年龄 59 周岁" in capacity and "肢体残疾 3 级，不属于无劳动能力认定范围" in capacity
    assert capacity.endswith("：不符合")
    assert young["explanation"][-1].startswith("不符合特困人员供养条件（未满足：无劳动能力）")


def test_tekun_supporter_condition_is_explained():
    result = assess_household(household([member(birth_date="1940-01-01", has_capable_supporter=True)]))
    lines = result["members"]["m1"]["tekun"]["explanation"]
    assert "有具备赡养、抚养、扶养能力的法定义务人：不符合" in lines


def test_gaoling_explanations():
    members = [member(id="a", birth_date="1933-07-01"), member(id="b", birth_date="1943-07-02")]
    result = assess_household(household(members))["members"]
    assert result["a"]["gaoling"]["monthly_amount"] == 500.0
    assert result["a"]["gaoling"]["explanation"] == [
        "年龄 90 周岁，属 90–99 周岁档：高龄津贴 500.00 元/月（北京市，2020-07-01 起执行）：符合"
    ]
    assert not result["b"]["gaoling"]["eligible"]
    assert "年龄 79 周岁 < 80 周岁" in result["b"]["gaoling"]["explanation"][0]


def test_chongqing_has_no_gaoling_parameter():
    data = household([member(birth_date="1920-01-01")], locality="chongqing", date="2023-09-01")
    gaoling = assess_household(data)["members"]["m1"]["gaoling"]
    assert gaoling["eligible"] is False and gaoling["monthly_amount"] == 0.0
    assert "重庆市" in gaoling["explanation"][0] and "无高龄津贴参数" in gaoling["explanation"][0]


def test_gradual_exit_is_explained_in_the_dibao_explanation():
    result = assess_household(household([member(monthly_income=1500)], receiving=["dibao"]))
    assert result["gradual_exit"] is True
    assert any(
        "适用渐退" in line and "6 个月（全国默认，2014-05-01 起执行）" in line
        for line in result["dibao"]["explanation"]
    )


def test_disability_allowance_explanations():
    members = [
        member(
            id="a",
            disability={"kind": "intellectual", "grade": 3},
            needs_long_term_care=True,
            monthly_income=100,
            has_capable_supporter=True,
        ),
        member(id="b", disability={"kind": "visual", "grade": 3}, needs_long_term_care=True),
    ]
    result = assess_household(household(members))["members"]
    assert result["a"]["disability_living"]["eligible"]
    assert result["a"]["disability_care"]["eligible"]
    assert any(
        "智力残疾 1–3 级，全国默认，2016-01-01 起执行" in line
        for line in result["a"]["disability_care"]["explanation"]
    )
    assert not result["b"]["disability_care"]["eligible"]
    assert any("视力残疾限 1–2 级" in line for line in result["b"]["disability_care"]["explanation"])


def test_disability_living_fails_with_reason_when_household_not_on_dibao():
    data = household([member(monthly_income=5000, disability={"kind": "speech", "grade": 4})])
    living = assess_household(data)["members"]["m1"]["disability_living"]
    assert not living["eligible"]
    assert any(
        "家庭不符合低保条件" in line and "≥ 低保标准 1395.00 元" in line for line in living["explanation"]
    )


# --- Input validation -------------------------------------------------------------------------------


def _drop(key):
    def change(data):
        del data[key]

    return change


def _drop_member(key):
    def change(data):
        del data["members"][0][key]

    return change


def _set(key, value):
    def change(data):
        data[key] = value

    return change


def _set_member(key, value, index=0):
    def change(data):
        data["members"][index][key] = value

    return change


BAD_INPUTS = [
    (_drop("locality"), "locality"),
    (_drop("date"), "date"),
    (_drop("hukou"), "hukou"),
    (_drop("assets_within_limits"), "assets_within_limits"),
    (_drop("receiving"), "receiving"),
    (_drop("members"), "members"),
    (_set("extra", 1), "extra"),
    (_set("locality", 5), "locality"),
    (_set("date", "2023/07/01"), "date"),
    (_set("date", "2023-7-1"), "date"),
    (_set("date", "2023-02-30"), "date"),
    (_set("date", 20230701), "date"),
    (_set("date", datetime.datetime(2023, 7, 1, 12, 0)), "date"),
    (_set("hukou", "city"), "hukou"),
    (_set("assets_within_limits", "yes"), "assets_within_limits"),
    (_set("assets_within_limits", 1), "assets_within_limits"),
    (_set("receiving", "dibao"), "receiving"),
    (_set("receiving", ["dibao", "pension"]), "receiving[1]"),
    (_set("members", []), "members"),
    (_set("members", {"id": "a"}), "members"),
    (_set("members", ["a"]), "members[0]"),
    (_drop_member("id"), "members[0].id"),
    (_drop_member("birth_date"), "members[0].birth_date"),
    (_drop_member("sex"), "members[0].sex"),
    (_drop_member("monthly_income"), "members[0].monthly_income"),
    (_drop_member("disability"), "members[0].disability"),
    (_drop_member("in_school"), "members[0].in_school"),
    (_drop_member("needs_long_term_care"), "members[0].needs_long_term_care"),
    (_drop_member("has_capable_supporter"), "members[0].has_capable_supporter"),
    (_set_member("nickname", "x"), "members[0].nickname"),
    (_set_member("id", ""), "members[0].id"),
    (_set_member("id", True), "members[0].id"),
    (_set_member("id", None), "members[0].id"),
    (_set_member("id", "m1", index=1), "members[1].id"),
    (_set_member("birth_date", "1980-13-01", index=1), "members[1].birth_date"),
    (_set_member("birth_date", "19800505"), "members[0].birth_date"),
    (_set_member("birth_date", "2023-07-02"), "members[0].birth_date"),
    (_set_member("sex", "X"), "members[0].sex"),
    (_set_member("monthly_income", -0.01), "members[0].monthly_income"),
    (_set_member("monthly_income", "800"), "members[0].monthly_income"),
    (_set_member("monthly_income", True), "members[0].monthly_income"),
    (_set_member("monthly_income", None), "members[0].monthly_income"),
    (_set_member("monthly_income", float("nan")), "members[0].monthly_income"),
    (_set_member("monthly_income", float("inf")), "members[0].monthly_income"),
    (_set_member("monthly_income", decimal.Decimal("NaN")), "members[0].monthly_income"),
    (_set_member("monthly_income", 10**9), "members[0].monthly_income"),
    (_set_member("disability", "visual"), "members[0].disability"),
    (_set_member("disability", {"kind": "visual"}), "members[0].disability.grade"),
    (_set_member("disability", {"grade": 1}), "members[0].disability.kind"),
    (
        _set_member("disability", {"kind": "visual", "grade": 1, "since": "2000"}),
        "members[0].disability.since",
    ),
    (_set_member("disability", {"kind": "blind", "grade": 1}), "members[0].disability.kind"),
    (_set_member("disability", {"kind": "none", "grade": 1}), "members[0].disability.kind"),
    (_set_member("disability", {"kind": "visual", "grade": 0}), "members[0].disability.grade"),
    (_set_member("disability", {"kind": "visual", "grade": 5}), "members[0].disability.grade"),
    (_set_member("disability", {"kind": "visual", "grade": 2.0}), "members[0].disability.grade"),
    (_set_member("disability", {"kind": "visual", "grade": True}), "members[0].disability.grade"),
    (_set_member("in_school", "no"), "members[0].in_school"),
    (_set_member("needs_long_term_care", None), "members[0].needs_long_term_care"),
    (_set_member("has_capable_supporter", 1), "members[0].has_capable_supporter"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUTS, ids=[field for _, field in BAD_INPUTS])
def test_bad_input_raises_with_field_named_chinese_message(change, field):
    data = household([member(id="m1"), member(id="m2")])
    change(data)
    with pytest.raises(AssessmentInputError) as caught:
        assess_household(data)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    message = str(caught.value)
    assert message.startswith(f"{field}：")
    assert CHINESE.search(message.removeprefix(f"{field}："))


def test_input_that_is_not_a_dict():
    with pytest.raises(AssessmentInputError, match="应为对象"):
        assess_household(["beijing"])


def test_bad_date_message_matches_the_documented_format():
    data = household([member(birth_date="1980/05/05")])
    with pytest.raises(AssessmentInputError) as caught:
        assess_household(data)
    assert str(caught.value) == "members[0].birth_date：日期格式应为 YYYY-MM-DD"


def test_unknown_locality_is_a_clear_error():
    with pytest.raises(UnknownLocalityError) as caught:
        assess_household(household(locality="shanghai"))
    assert caught.value.field == "locality"
    assert "未知地区 'shanghai'" in str(caught.value) and "beijing、chongqing" in str(caught.value)


def test_input_is_not_mutated():
    data = household([member(disability={"kind": "visual", "grade": 1})], receiving=["dibao"])
    before = copy.deepcopy(data)
    assess_household(data)
    assert data == before


def test_date_objects_are_accepted():
    data = household([member(birth_date=datetime.date(1980, 5, 5))], date=datetime.date(2023, 7, 1))
    assert assess_household(data)["standard"] == 1395.0


# --- Dates before the parameters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locality", "date", "first"),
    [("beijing", "2020-06-30", "2020-07-01"), ("chongqing", "2022-08-31", "2022-09-01")],
)
def test_date_before_the_locality_parameters_is_a_clear_error(locality, date, first):
    with pytest.raises(ParameterDateError) as caught:
        assess_household(household(locality=locality, date=date))
    assert isinstance(caught.value, EngineError) and not isinstance(caught.value, AssessmentInputError)
    message = str(caught.value)
    assert date in message and first in message and "dibao.standard" in message
    assert CHINESE.search(message)


def test_first_day_of_the_parameters_is_accepted():
    assert assess_household(household(date="2020-07-01"))["standard"] == 1170.0
    assert assess_household(household(locality="chongqing", date="2022-09-01"))["standard"] == 717.0


# --- Parameter overrides ----------------------------------------------------------------------------


def test_new_dated_value_for_beijing_takes_effect_from_its_date():
    overrides = {"localities": {"beijing": {"dibao": {"standard": {"values": {"2024-07-01": 1470}}}}}}
    after = assess_household(household([member(monthly_income=70)], date="2024-07-01"), parameters=overrides)
    assert after["standard"] == 1470.0 and after["dibao"]["monthly_amount"] == 1400.0
    assert (
        "家庭人均月收入 70.00 元 < 低保标准 1470.00 元（北京市，2024-07-01 起执行）：符合"
        in after["dibao"]["explanation"]
    )
    before = assess_household(household(date="2024-06-30"), parameters=overrides)
    assert before["standard"] == 1395.0
    assert assess_household(household(date="2024-07-01"))["standard"] == 1395.0  # shipped data untouched


def test_overrides_accept_database_types():
    overrides = {
        "localities": {
            "beijing": {"dibao": {"standard": {datetime.date(2024, 7, 1): decimal.Decimal("1470.50")}}}
        }
    }
    result = assess_household(household(date="2024-07-01"), parameters=overrides)
    assert result["standard"] == 1470.5 and result["dibao"]["monthly_amount"] == 1470.5


HANGZHOU = {
    "localities": {
        "hangzhou": {
            "description": "杭州市",
            "dibao": {
                "standard": {
                    "urban": {"values": {"2023-01-01": 1200}},
                    "rural": {"values": {"2023-01-01": 1100}},
                }
            },
            "dibao_edge": {"upper_multiple": {"values": {"2023-01-01": 2}}},
            "gaoling": {
                "amount": {
                    "age_80_89": {"2023-01-01": 50},
                    "age_90_99": {"2023-01-01": 300},
                    "age_100_plus": {"2023-01-01": 1000},
                }
            },
        }
    }
}


def test_a_whole_new_locality_can_be_added_by_dict():
    assert "hangzhou" in available_localities(HANGZHOU)
    assert "hangzhou" not in available_localities()
    data = household(
        [member(monthly_income=1800, birth_date="1920-01-01")],
        locality="hangzhou",
        date="2023-05-01",
        hukou="rural",
    )
    result = assess_household(data, parameters=HANGZHOU)
    assert result["standard"] == 1100.0
    # 1800 is above 1.5 × 1100 but below the local 2 × 1100.
    assert result["dibao_edge"]["eligible"] is True
    assert any(
        "2 倍，倍数为杭州市，2023-01-01 起执行" in line for line in result["dibao_edge"]["explanation"]
    )
    assert "农村低保标准 1100.00 元（杭州市，2023-01-01 起执行）" in result["dibao"]["explanation"][2]
    gaoling = result["members"]["m1"]["gaoling"]
    assert gaoling["monthly_amount"] == 1000.0 and "杭州市，2023-01-01 起执行" in gaoling["explanation"][0]
    # National defaults still apply where the locality says nothing.
    data["members"][0]["monthly_income"] = 0
    tekun = assess_household(data, parameters=HANGZHOU)["members"]["m1"]["tekun"]
    assert tekun["monthly_basic"] == 1430.0
    assert "1100.00 元 × 1.3 倍（全国默认，2014-05-01 起执行）= 1430.00 元/月" in tekun["explanation"][-1]


def test_national_default_override_applies_to_every_locality():
    overrides = {"national": {"gradual_exit": {"duration_months": {"values": {"2024-01-01": 12}}}}}
    data = household([member(monthly_income=1500)], date="2024-01-01", receiving=["dibao"])
    lines = assess_household(data, parameters=overrides)["dibao"]["explanation"]
    assert any("可继续享受低保 12 个月（全国默认，2024-01-01 起执行）" in line for line in lines)


# --- Purity -----------------------------------------------------------------------------------------


def test_engine_does_not_import_django():
    code = (
        "import sys, quanke.assistance.engine as e; e.available_localities(); "
        "assert 'django' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("sex", ["male", "female", "M", "F", "男", "女"])
def test_common_spellings_of_sex_are_accepted_and_change_nothing(sex):
    data = household()
    _set_member("sex", sex)(data)
    reference = assess_household(household())
    assert assess_household(data) == reference
