"""Load a catalog from YAML (the shipped default, or a station's own file). Upserts by code, so it is idempotent."""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

DEFAULT_CATALOG = Path(__file__).parent / "data" / "default_catalog.yaml"

ITEM_FIELDS = (
    "specialty",
    "description",
    "eligibility",
    "legal_basis",
    "legal_limit_days",
    "promised_limit_days",
    "handling",
    "route_level",
    "route_department",
    "refusal_note",
    "keywords",
    "sensitive",
    "urgent",
)


def read_catalog(path: Path = DEFAULT_CATALOG) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or "categories" not in data or "items" not in data:
        raise ValidationError(f"{path}: 缺少 categories 或 items")
    return data


def validate_catalog(data: dict) -> list[str]:
    """Problems in a catalog file, each naming the item; empty when the file is fine."""
    from quanke.catalog.models import Handling, MaterialCondition, MaterialForm, RouteLevel
    from quanke.core.models import Specialty
    from quanke.registry.models import DocumentKind

    problems, codes, names = [], set(), set()
    categories = {c["code"] for c in data.get("categories", [])}
    for row in data.get("items", []):
        code = row.get("code", "?")
        where = f"事项 {code}"
        if code in codes or row.get("name") in names:
            problems.append(f"{where}：编码或名称重复")
        codes.add(code)
        names.add(row.get("name"))
        if row.get("category") not in categories:
            problems.append(f"{where}：未知类别 {row.get('category')}")
        if row.get("parent") and row["parent"] not in codes:
            problems.append(f"{where}：上级事项 {row['parent']} 必须先出现")
        checks = [
            ("specialty", Specialty.values, False),
            ("handling", Handling.values, False),
            ("route_level", RouteLevel.values, True),
        ]
        for field, allowed, optional in checks:
            value = row.get(field)
            if not (optional and not value) and value not in allowed:
                problems.append(f"{where}：{field} 的值 {value!r} 不在可选值中")
        if row.get("sensitive") and row.get("specialty") in (None, "general"):
            problems.append(f"{where}：敏感事项须指定主管专岗（不能为综合）")
        if row.get("handling") == Handling.ROUTED and not row.get("route_level"):
            problems.append(f"{where}：流转事项须填写 route_level")
        legal, promised = row.get("legal_limit_days"), row.get("promised_limit_days")
        if legal is not None and promised is not None and promised > legal:
            problems.append(f"{where}：承诺时限 {promised} 天超过法定时限 {legal} 天")
        for m in row.get("materials") or []:
            if m.get("form", "original") not in MaterialForm.values:
                problems.append(f"{where}：材料“{m.get('name')}”的形式 {m.get('form')!r} 不在可选值中")
            if m.get("condition", "always") not in MaterialCondition.values:
                problems.append(f"{where}：材料“{m.get('name')}”的条件 {m.get('condition')!r} 不在可选值中")
            if m.get("on_file") and m["on_file"] not in DocumentKind.values:
                problems.append(f"{where}：材料“{m.get('name')}”的在档类型 {m['on_file']!r} 不在可选值中")
    return problems


def load_catalog(data: dict, *, Category=None, Item=None, Material=None) -> dict:  # noqa: N803
    """Create or update categories, items and materials. Model classes may be passed in from a migration."""
    problems = validate_catalog(data)
    if problems:
        raise ValidationError(problems)
    if Category is None:
        from quanke.catalog.models import Category, Item, Material
    counts = {"categories": 0, "items": 0, "materials": 0}
    categories = {}
    for order, row in enumerate(data["categories"]):
        category, _ = Category.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "description": row.get("description", ""), "order": order},
        )
        categories[row["code"]] = category
        counts["categories"] += 1
    items = {}
    item_fields = {f.name for f in Item._meta.get_fields()}
    for order, row in enumerate(data["items"]):
        if row["category"] not in categories:
            raise ValidationError(f"事项 {row['code']}：未知类别 {row['category']}")
        parent_code = row.get("parent")
        if parent_code and parent_code not in items:
            raise ValidationError(f"事项 {row['code']}：上级事项 {parent_code} 必须先出现")
        # A migration's historical model may predate a field (0003 ran before `sensitive`): fill what it has.
        defaults = {field: row.get(field) for field in ITEM_FIELDS if field in item_fields}
        for text_field in (
            "description",
            "eligibility",
            "legal_basis",
            "route_level",
            "route_department",
            "refusal_note",
        ):
            defaults[text_field] = defaults[text_field] or ""
        defaults["keywords"] = defaults["keywords"] or []
        for flag in ("sensitive", "urgent"):
            if flag in defaults:
                defaults[flag] = bool(defaults[flag])
        defaults.update(
            name=row["name"], category=categories[row["category"]], parent=items.get(parent_code), order=order
        )
        item, _ = Item.objects.update_or_create(code=row["code"], defaults=defaults)
        items[row["code"]] = item
        counts["items"] += 1
        item.materials.all().delete()
        Material.objects.bulk_create(
            Material(
                item=item,
                name=m["name"],
                form=m.get("form") or "original",
                copies=m.get("copies") or 1,
                condition=m.get("condition") or "always",
                on_file=m.get("on_file") or "",
                note=m.get("note") or "",
                order=i,
            )
            for i, m in enumerate(row.get("materials") or [])
        )
        counts["materials"] += len(row.get("materials") or [])
    return counts
