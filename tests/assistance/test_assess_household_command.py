import json
import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from quanke.assistance.models import Locality, LocalityParameter


def household(**changes):
    data = {
        "locality": "chongqing",
        "date": "2023-10-01",
        "hukou": "rural",
        "assets_within_limits": True,
        "receiving": ["dibao"],
        "members": [
            {
                "id": "grandma",
                "birth_date": "1940-02-01",
                "sex": "female",
                "monthly_income": 300,
                "disability": {"kind": "physical", "grade": 1},
                "in_school": False,
                "needs_long_term_care": True,
                "has_capable_supporter": False,
            },
            {
                "id": "son",
                "birth_date": "1975-06-30",
                "sex": "male",
                "monthly_income": 500,
                "disability": None,
                "in_school": False,
                "needs_long_term_care": False,
                "has_capable_supporter": True,
            },
        ],
    }
    data.update(changes)
    return data


def run(tmp_path, data, *args):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("assess_household", "--input", str(path), *args, stdout=out)
    return out.getvalue()


def test_json_output_has_the_issue_shape(db, tmp_path):
    result = json.loads(run(tmp_path, household(), "--json"))
    assert set(result) == {"standard", "dibao", "dibao_edge", "gradual_exit", "members", "warnings"}
    assert result["standard"] == 600  # Chongqing rural from 2023-09-01
    assert result["warnings"] == []  # within 12 months of 2023-09-01
    assert result["dibao"]["eligible"] is True
    # Grandma qualifies for 特困 and is not counted again in the 低保 cover: (600 − 400) × 1 (the son).
    assert result["dibao"]["monthly_amount"] == 200
    assert result["dibao"]["covered_members"] == 1
    assert result["members"]["grandma"]["tekun"]["eligible"] is True
    assert set(result["dibao"]) == {"eligible", "monthly_amount", "covered_members", "explanation"}
    assert set(result["dibao_edge"]) == {"eligible", "explanation"}
    assert result["gradual_exit"] is False
    grandma = result["members"]["grandma"]
    assert grandma["age"] == 83
    assert set(grandma) == {
        "age",
        "hukou_local",
        "dibao_covered",
        "tekun",
        "gaoling",
        "disability_living",
        "disability_care",
    }
    assert grandma["tekun"]["eligible"] is True and grandma["tekun"]["monthly_basic"] == 780
    assert grandma["gaoling"]["eligible"] is False  # Chongqing has no 高龄津贴 figures
    # 生活补贴 is for covered members of a 低保 household; 特困 support replaces her cover.
    assert grandma["disability_living"]["eligible"] is False
    assert any(
        "已符合特困供养条件，不重复计入低保保障人口" in line
        for line in grandma["disability_living"]["explanation"]
    )
    assert grandma["disability_care"]["eligible"] is True
    assert any("重庆市" in line and "2023-09-01" in line for line in result["dibao"]["explanation"])


def test_text_output_without_json_flag(db, tmp_path):
    text = run(tmp_path, household())
    assert "低保：符合" in text and "成员 grandma" in text


def test_uses_values_added_by_an_administrator(db, tmp_path):
    LocalityParameter.objects.create(
        locality=Locality.objects.get(code="chongqing"),
        path="dibao.standard.rural",
        start_date=date(2024, 1, 1),
        value=650,
    )
    assert json.loads(run(tmp_path, household(date="2024-01-01"), "--json"))["standard"] == 650


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({k: v for k, v in household().items() if k != "hukou"}, "hukou：缺少必填字段"),
        (household(locality="atlantis"), "未知地区"),
        (household(date="2019-01-01"), "早于"),
        (household(members=[]), "至少需要一名家庭成员"),
    ],
)
def test_bad_input_is_a_clear_error(db, tmp_path, data, message):
    with pytest.raises(CommandError) as exc:
        run(tmp_path, data, "--json")
    assert message in str(exc.value)


def test_missing_file_and_bad_json(db, tmp_path):
    with pytest.raises(CommandError, match="找不到输入文件"):
        call_command("assess_household", "--input", str(tmp_path / "nope.json"), "--json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("assess_household", "--input", str(bad), "--json")


def test_process_exit_codes_and_streams(tmp_path):
    """The real command line on a freshly migrated SQLite database: JSON on stdout, errors on stderr, rc != 0."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "PATH": "/usr/bin:/bin",
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": "test-only-key-for-this-subprocess",  # DEBUG is off by default: no key, no start
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env, cwd=settings.BASE_DIR)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(household()), encoding="utf-8")
    ok = subprocess.run(
        [*manage, "assess_household", "--input", str(good), "--json"], capture_output=True, env=env, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["dibao"]["monthly_amount"] == 200
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(household(locality="atlantis")), encoding="utf-8")
    failed = subprocess.run(
        [*manage, "assess_household", "--input", str(bad), "--json"], capture_output=True, env=env, text=True
    )
    assert failed.returncode != 0
    assert "未知地区" in failed.stderr and failed.stdout == ""


def test_json_output_warns_when_the_standard_is_over_a_year_old(db, tmp_path):
    result = json.loads(
        run(tmp_path, household(locality="beijing", hukou="urban", date="2026-03-01"), "--json")
    )
    assert len(result["warnings"]) == 1
    assert "北京市低保标准" in result["warnings"][0] and "2023-07-01" in result["warnings"][0]
    text = run(tmp_path, household(locality="beijing", hukou="urban", date="2026-03-01"))
    assert text.startswith("提示：北京市低保标准")
