"""Load the shipped colloquialism dictionary (quanke/intake/data/synonyms.yaml) into IntakeSynonym rows.

Upserts by term, so it is idempotent; rows an administrator added or changed by hand are left alone unless the
file names the same term.
"""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

DEFAULT_SYNONYMS = Path(__file__).parent / "data" / "synonyms.yaml"


def parse_term(raw: str) -> tuple[str, float]:
    """'灯+不亮^1.5' → ('灯+不亮', 1.5)."""
    term, _, weight = str(raw).strip().partition("^")
    return term.strip(), float(weight) if weight else 1.0


def read_synonyms(path: Path = DEFAULT_SYNONYMS) -> dict[str, dict]:
    """{term: {"item_codes": [...], "expansions": [...], "weight": w}} merged from the file's two sections."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    rows: dict[str, dict] = {}
    for code, terms in (data.get("item_terms") or {}).items():
        for raw in terms or []:
            term, weight = parse_term(raw)
            row = rows.setdefault(term, {"item_codes": [], "expansions": [], "weight": weight})
            if code not in row["item_codes"]:
                row["item_codes"].append(code)
            row["weight"] = max(row["weight"], weight)
    for raw, expansions in (data.get("expansions") or {}).items():
        term, weight = parse_term(raw)
        row = rows.setdefault(term, {"item_codes": [], "expansions": [], "weight": weight})
        row["expansions"] += [e for e in expansions or [] if e not in row["expansions"]]
    return rows


def load_synonyms(rows: dict[str, dict], *, IntakeSynonym=None, Item=None) -> int:  # noqa: N803
    """Create or update one row per term; model classes may be passed in from a migration."""
    if IntakeSynonym is None:
        from quanke.catalog.models import Item
        from quanke.intake.models import IntakeSynonym
    known = set(Item.objects.values_list("code", flat=True))
    unknown = sorted({c for row in rows.values() for c in row["item_codes"] if c not in known})
    if unknown:
        raise ValidationError(f"同义词词典引用了未知事项编码：{', '.join(unknown)}")
    for term, row in rows.items():
        IntakeSynonym.objects.update_or_create(
            term=term,
            defaults={
                "item_codes": row["item_codes"],
                "expansions": row["expansions"],
                "weight": row["weight"],
            },
        )
    return len(rows)
