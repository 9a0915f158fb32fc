"""Parameter data: shipped YAML, overrides merged from plain dicts, caching and validation."""

import pytest

from quanke.assistance.engine import (
    ParameterDataError,
    available_localities,
    build_system,
    shipped_parameters,
)


def test_shipped_localities():
    assert available_localities() == ["beijing", "chongqing"]


def test_shipped_parameters_round_trip_as_overrides():
    # The canonical form is itself valid override data and changes nothing.
    data = shipped_parameters()
    assert build_system(data).localities == ["beijing", "chongqing"]
    value = build_system(data).parameter_value("beijing", "dibao.standard.urban", "2023-07-01")
    assert (value.value, value.start, value.scope) == (1395, "2023-07-01", "locality")


def test_systems_are_cached_by_the_content_of_the_overrides():
    overrides = {"localities": {"beijing": {"dibao": {"standard": {"2024-07-01": 1470}}}}}
    same = {"localities": {"beijing": {"dibao": {"standard": {"values": {"2024-07-01": {"value": 1470}}}}}}}
    assert build_system() is build_system(None) is build_system({})
    assert build_system(overrides) is build_system(same)
    assert build_system(overrides) is not build_system()


def test_dated_values_merge_date_by_date():
    overrides = {"localities": {"chongqing": {"dibao": {"standard": {"rural": {"2024-09-01": 620}}}}}}
    systems = build_system(overrides)
    values = [
        systems.parameter_value("chongqing", "dibao.standard.rural", d).value
        for d in ("2022-09-01", "2023-09-01", "2024-09-01")
    ]
    assert values == [581, 600, 620]
    assert systems.parameter_value("chongqing", "dibao.standard.urban", "2024-09-01").value == 735


def test_locality_override_of_a_national_default_keeps_the_national_history():
    overrides = {"localities": {"beijing": {"dibao_edge": {"upper_multiple": {"2023-01-01": 2}}}}}
    systems = build_system(overrides)
    before = systems.parameter_value("beijing", "dibao_edge.upper_multiple", "2022-12-31")
    after = systems.parameter_value("beijing", "dibao_edge.upper_multiple", "2023-01-01")
    assert (before.value, before.scope, before.start) == (1.5, "national", "2014-05-01")
    assert (after.value, after.scope, after.start) == (2, "locality", "2023-01-01")
    assert systems.parameter_value("chongqing", "dibao_edge.upper_multiple", "2023-01-01").value == 1.5


BAD_PARAMETERS = [
    ({"provinces": {}}, "parameters"),
    ({"localities": []}, "localities"),
    ({"localities": {"Bei Jing": {}}}, "localities"),
    (
        {"localities": {"beijing": {"dibao": {"standard": {"2024-13-01": 1}}}}},
        "localities.beijing.dibao.standard.values",
    ),
    (
        {"localities": {"beijing": {"dibao": {"standard": {"values": {"2024-07-01": "1470"}}}}}},
        "localities.beijing.dibao.standard.values.2024-07-01",
    ),
    (
        {"localities": {"beijing": {"dibao": {"standard": {"values": {"2024-07-01": True}}}}}},
        "localities.beijing.dibao.standard.values.2024-07-01",
    ),
    (
        {"localities": {"beijing": {"dibao": {"standard": {"values": {}}}}}},
        "localities.beijing.dibao.standard.values",
    ),
    (
        {"localities": {"beijing": {"dibao": {"standard": {"values": {"2024-07-01": {"amount": 1}}}}}}},
        "localities.beijing.dibao.standard.values.2024-07-01",
    ),
    (
        {"localities": {"beijing": {"dibao": {"standard": {"values": {"2024-07-01": -1}}}}}},
        "localities.beijing.dibao.standard.urban.values.2024-07-01",
    ),
    (
        {"localities": {"beijing": {"dibao": {"standrd": {"2024-07-01": 1}}}}},
        "localities.beijing.dibao.standrd",
    ),
    ({"localities": {"wuhan": {"description": "武汉市"}}}, "localities.wuhan.dibao.standard.urban"),
    (
        {"localities": {"beijing": {"gaoling": {"amount": {"age_80_89": None}}}}},
        "localities.beijing.gaoling.amount.age_80_89",
    ),
    (
        {
            "localities": {
                "wuhan": {
                    "dibao": {"standard": {"2023-01-01": 1000}},
                    "gaoling": {"amount": {"age_80_89": {"2023-01-01": 50}}},
                }
            }
        },
        "localities.wuhan.gaoling",
    ),
    (
        {"national": {"tekun": {"no_work_capacity": {"minor_age": {"2024-01-01": 15.5}}}}},
        "localities.beijing.tekun.no_work_capacity.minor_age.values.2024-01-01",
    ),
    (
        {"national": {"disability_care": {"max_grade": {"visual": {"2024-01-01": 5}}}}},
        "localities.beijing.disability_care.max_grade.visual.values.2024-01-01",
    ),
    (
        {"national": {"dibao_edge": {"upper_multiple": {"2024-01-01": 0}}}},
        "localities.beijing.dibao_edge.upper_multiple.values.2024-01-01",
    ),
]


@pytest.mark.parametrize(("overrides", "path"), BAD_PARAMETERS, ids=[path for _, path in BAD_PARAMETERS])
def test_invalid_parameter_data_is_rejected_with_its_path(overrides, path):
    with pytest.raises(ParameterDataError) as caught:
        build_system(overrides)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"参数数据错误：{path}：")


def test_a_null_value_ends_a_parameter_from_its_date():
    # OpenFisca semantics: a null dated value means "no value from this date on".
    overrides = {
        "localities": {
            "beijing": {
                "gaoling": {
                    "amount": {
                        key: {"2025-01-01": None} for key in ("age_80_89", "age_90_99", "age_100_plus")
                    }
                }
            }
        }
    }
    systems = build_system(overrides)
    assert systems.parameter_value("beijing", "gaoling.amount.age_80_89", "2024-12-31").value == 100
    assert systems.parameter_value("beijing", "gaoling.amount.age_80_89", "2025-01-01") is None


def test_assessment_after_a_parameter_ended_explains_its_absence():
    from quanke.assistance.engine import assess_household

    keys = ("age_80_89", "age_90_99", "age_100_plus")
    overrides = {
        "localities": {"beijing": {"gaoling": {"amount": {key: {"2025-01-01": None} for key in keys}}}}
    }
    data = {
        "locality": "beijing",
        "date": "2025-01-01",
        "hukou": "urban",
        "assets_within_limits": True,
        "receiving": [],
        "members": [
            {
                "id": "a",
                "birth_date": "1930-01-01",
                "sex": "male",
                "monthly_income": 0,
                "disability": None,
                "in_school": False,
                "needs_long_term_care": False,
                "has_capable_supporter": False,
            }
        ],
    }
    gaoling = assess_household(data, parameters=overrides)["members"]["a"]["gaoling"]
    assert gaoling["eligible"] is False
    assert "无高龄津贴参数" in gaoling["explanation"][0]
