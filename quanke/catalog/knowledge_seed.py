"""Seed the knowledge base: policy documents and FAQs from data/knowledge.yaml, and a procedure for every item.

Runs inside a data migration (model classes passed in), so a fresh install has its binder after `migrate`.
Idempotent: documents are matched by kind and title.
"""

from datetime import date
from pathlib import Path

import yaml

KNOWLEDGE_FILE = Path(__file__).parent / "data" / "knowledge.yaml"

ROUTE_LABELS = {"community": "社区后台", "street": "街道/乡镇", "county": "区/县", "external": "其他部门"}
FORM_LABELS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件及复印件",
    "form": "申请表（站点提供）",
    "other": "",
}
CONDITION_LABELS = {
    "always": "",
    "disabled": "残疾人申请时",
    "age_60_plus": "60周岁以上申请人",
    "age_80_plus": "80周岁以上申请人",
    "non_local_hukou": "非本地户籍申请人",
    "local_hukou": "本地户籍申请人",
    "rural_hukou": "农村户口申请人",
    "urban_hukou": "城镇户口申请人",
    "under_18": "未满18周岁申请人",
    "has_dibao": "低保对象申请时",
}


def read_knowledge(path: Path = KNOWLEDGE_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _material_line(m) -> str:
    form = FORM_LABELS.get(m.form, "")
    extra = "，".join(
        x for x in (form, f"{m.copies}份" if m.copies > 1 else "", CONDITION_LABELS.get(m.condition, "")) if x
    )
    return f"{m.name}（{extra}）" if extra else m.name


def procedure_steps(item, materials) -> list[str]:
    """A step list derived from the item's own data: handling, route, time limits and materials."""
    if item.handling == "refused":
        steps = [
            "听清居民要开什么证明、用于什么事。",
            "说明社区依规不出具此项证明（民发〔2020〕20号所列社区不应出具的证明）。",
        ]
        if item.refusal_note:
            steps.append(f"告知应去哪里办理：{item.refusal_note}")
        steps.append("登记为咨询事项，必要时提供相关部门的联系方式，做到居民“不白跑”。")
        return steps
    steps = ["核对申请人身份：查验居民身份证；代办的同时查验代办人身份证和委托材料。"]
    if item.eligibility:
        steps.append(f"确认申请对象：{item.eligibility}。")
    if materials:
        steps.append("一次性告知并收取材料：" + "；".join(_material_line(m) for m in materials) + "。")
    else:
        steps.append("本事项无需书面材料，登记诉求即可。")
    promised, legal = item.promised_limit_days, item.legal_limit_days
    if item.handling == "on_spot":
        steps.append("当场办理，办结后向居民出具结果或回执。")
    else:
        where = ROUTE_LABELS.get(item.route_level, "")
        dept = f"（{item.route_department}）" if item.route_department else ""
        steps.append(f"填写诉求单并流转至{where}{dept}，向居民出具受理回执。")
        limits = []
        if promised is not None:
            limits.append(f"承诺{promised}个工作日")
        if legal is not None:
            limits.append(f"法定{legal}个工作日")
        if limits:
            steps.append("告知办理时限：" + "，".join(limits) + "。")
        steps.append("跟踪办理进度，结果出来后电话或短信通知居民，并记录跑动次数。")
    return steps


def load_knowledge(data: dict, *, Document, Item, Material, today: date | None = None) -> dict:  # noqa: N803
    items = {i.code: i for i in Item.objects.all()}
    counts = {"policies": 0, "faqs": 0, "procedures": 0}
    by_key = {}
    for row in data.get("policies") or []:
        older = by_key.get(row.get("supersedes"))
        doc, _ = Document.objects.update_or_create(
            kind="policy",
            title=row["title"],
            defaults={
                "doc_number": row.get("doc_number") or "",
                "issuer": row.get("issuer") or "",
                "issued_on": row.get("issued_on"),
                "effective_from": row.get("effective_from"),
                "expires_on": row.get("expires_on"),
                "summary": row.get("summary") or "",
                "body": (row.get("body") or "").strip(),
                "source": row.get("source") or "",
                "supersedes": older,
            },
        )
        doc.items.set([items[c] for c in row.get("items") or [] if c in items])
        if older is not None and older.status == "current":
            # The older version stays on file, marked as replaced from the day the new one took effect.
            older.status = "superseded"
            older.expires_on = row.get("effective_from") or today or date.today()
            older.save(update_fields=["status", "expires_on", "updated_at"])
        by_key[row["key"]] = doc
        counts["policies"] += 1
    for row in data.get("faqs") or []:
        doc, _ = Document.objects.update_or_create(
            kind="faq", title=row["title"], defaults={"body": row.get("body") or ""}
        )
        doc.items.set([items[c] for c in row.get("items") or [] if c in items])
        counts["faqs"] += 1
    for item in items.values():
        materials = list(Material.objects.filter(item=item).order_by("order", "id"))
        doc, _ = Document.objects.update_or_create(
            kind="procedure",
            title=f"{item.name}办理流程",
            defaults={"steps": procedure_steps(item, materials), "summary": item.description[:300]},
        )
        doc.items.set([item])
        counts["procedures"] += 1
    return counts
