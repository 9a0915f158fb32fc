"""`suggest_items` and `evaluate_intake` on a freshly migrated database, with no further step."""

import json
from io import StringIO

from django.core.management import call_command

from quanke.intake.evaluation import read_eval_set


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_suggest_items_prints_one_json_object_per_input(db):
    lines = run("suggest_items", "灯泡憋了", "dbsq", "--top", "3", "--json").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"query", "items"}
    assert first["query"] == "灯泡憋了"
    assert 1 <= len(first["items"]) <= 3, "only items with some evidence, at most --top"
    for item in first["items"]:
        assert set(item) == {"code", "name", "score"}
        assert isinstance(item["code"], str) and isinstance(item["name"], str)
        assert isinstance(item["score"], float)
    assert first["items"][0]["code"] == "CV-ELECTRIC-REPAIR"
    assert second["items"][0] == {
        "code": "SA-DIBAO",
        "name": "低保申请",
        "score": second["items"][0]["score"],
    }
    assert "灯泡憋了" in lines[0], "Chinese is printed as is, not escaped"


def test_suggest_items_reads_a_file_one_query_per_line(db, tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("厂子倒闭了能领钱吗\n\n来帮闺女领独生子女费\n", encoding="utf-8")
    rows = [json.loads(line) for line in run("suggest_items", "--file", str(path), "--json").splitlines()]
    assert [r["query"] for r in rows] == ["厂子倒闭了能领钱吗", "来帮闺女领独生子女费"]
    assert 1 <= len(rows[0]["items"]) <= 5
    assert rows[0]["items"][0]["code"] == "EM-UNEMP-BENEFIT"
    assert rows[1]["items"][0]["code"] == "FP-ONECHILD-REWARD"


def test_evaluation_set_is_large_labelled_and_split():
    rows = read_eval_set()
    assert len(rows) >= 200
    assert len({r.text for r in rows}) == len(rows)
    assert {r.split for r in rows} == {"dev", "heldout"}
    assert sum(r.split == "heldout" for r in rows) >= 50


def test_evaluate_intake_reports_top1_and_top3(db):
    out = run("evaluate_intake")
    assert "top-1" in out and "top-3" in out and "heldout" in out
