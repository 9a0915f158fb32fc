"""Import residents from .xlsx or .csv: every row or none, with a row-by-row error report."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.audit import audit_record
from quanke.core.models import AuditEvent, UnitLevel
from quanke.registry import idnumber
from quanke.registry.models import DisabilityKind, Household, HukouKind, HukouType, Relation, Resident, Tag
from quanke.registry.names import pinyin_keys

# (header, field, required)
COLUMNS = [
    ("户编号", "household_number", True),
    ("住址", "address", True),
    ("楼栋/街巷", "building", False),
    ("户籍", "hukou_kind", False),
    ("户口性质", "hukou_type", False),
    ("姓名", "name", True),
    ("身份证号", "id_number", True),
    ("与户主关系", "relation", False),
    ("联系电话", "phone", False),
    ("独居", "lives_alone", False),
    ("月收入", "monthly_income", False),
    ("残疾类别", "disability_kind", False),
    ("残疾等级", "disability_grade", False),
    ("人群标签", "tags", False),
]
HEADER_ALIASES = {
    "手机": "联系电话",
    "电话": "联系电话",
    "身份证": "身份证号",
    "地址": "住址",
    "楼栋": "楼栋/街巷",
}
PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
YES = {"是", "Y", "y", "yes", "1", "true", "TRUE"}
NO = {"否", "N", "n", "no", "0", "false", "FALSE", ""}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households_created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _label_map(choices) -> dict[str, str]:
    mapping = {str(label): value for value, label in choices.choices}
    mapping.update({value: value for value in choices.values})
    return mapping


def read_rows(filename: str, content: bytes) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ValidationError(_("无法读取 Excel 文件：%(e)s") % {"e": exc}) from None
        ws = wb.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
        return rows
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("CSV 文件编码无法识别，请另存为 UTF-8 编码。"))
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise ValidationError(_("只支持 .xlsx 或 .csv 文件。"))


def residents_import(*, actor, unit, filename: str, content: bytes) -> ImportResult:
    permissions.require(permissions.can_import_residents(actor) and permissions.unit_in_scope(actor, unit))
    if unit.level != UnitLevel.COMMUNITY:
        raise ValidationError(_("请选择要导入的社区/村。"))
    rows = read_rows(filename, content)
    result = ImportResult()
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) < 2:
        result.errors.append(RowError(1, "", _("文件中没有数据行。")))
        return result
    header = [HEADER_ALIASES.get(h, h) for h in rows[0]]
    index = {}
    for title, fname, required in COLUMNS:
        if title in header:
            index[fname] = header.index(title)
        elif required:
            result.errors.append(RowError(1, title, _("缺少必需的列“%(c)s”。") % {"c": title}))
    if result.errors:
        return result

    tags = {t.name: t for t in Tag.objects.all()}
    kinds, types = _label_map(HukouKind), _label_map(HukouType)
    relations, disabilities = _label_map(Relation), _label_map(DisabilityKind)
    parsed_rows, seen_ids = [], {}
    for rownum, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        cell = {f: (raw[i] if i < len(raw) else "").strip() for f, i in index.items()}
        errors_before = len(result.errors)

        def err(column, message, rownum=rownum):
            result.errors.append(RowError(rownum, column, message))

        for title, fname, required in COLUMNS:
            if required and not cell.get(fname):
                err(title, _("不能为空。"))
        row = {"household_number": cell.get("household_number", ""), "address": cell.get("address", "")}
        row["building"] = cell.get("building", "")
        try:
            ident = idnumber.parse(cell.get("id_number", ""))
            row["id"] = ident
            if ident.value in seen_ids:
                err("身份证号", _("与第%(r)d行重复。") % {"r": seen_ids[ident.value]})
            seen_ids[ident.value] = rownum
        except ValidationError as exc:
            if cell.get("id_number"):
                err("身份证号", exc.messages[0])
        row["name"] = cell.get("name", "")
        for fname, title, mapping, default in (
            ("hukou_kind", "户籍", kinds, HukouKind.LOCAL),
            ("hukou_type", "户口性质", types, HukouType.URBAN),
            ("relation", "与户主关系", relations, Relation.HEAD),
        ):
            value = cell.get(fname, "")
            if value and value not in mapping:
                err(
                    title,
                    _("“%(v)s”不是可选值（%(opts)s）。")
                    % {"v": value, "opts": "、".join(k for k in mapping if not k.isascii())},
                )
            row[fname] = mapping.get(value, default)
        phone = cell.get("phone", "")
        if phone and not PHONE.match(phone):
            err("联系电话", _("“%(v)s”不是有效的手机号或固定电话。") % {"v": phone})
        row["phone"] = phone
        alone = cell.get("lives_alone", "")
        if alone not in YES | NO:
            err("独居", _("请填写“是”或“否”。"))
        row["lives_alone"] = alone in YES
        try:
            income = Decimal(cell.get("monthly_income") or "0")
        except InvalidOperation:
            income = None
        if income is None or not income.is_finite() or income < 0:
            err("月收入", _("应为不小于0的金额。"))
        else:
            row["monthly_income"] = income.quantize(Decimal("0.01"))
        kind, grade = cell.get("disability_kind", ""), cell.get("disability_grade", "")
        if kind and kind not in disabilities:
            err("残疾类别", _("“%(v)s”不是可选值。") % {"v": kind})
        grade_map = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4}
        if grade and grade not in grade_map:
            err("残疾等级", _("应为1至4级。"))
        if bool(kind) != bool(grade):
            err("残疾等级", _("残疾类别和残疾等级须同时填写或同时留空。"))
        row["disability_kind"], row["disability_grade"] = disabilities.get(kind, ""), grade_map.get(grade)
        row["tags"] = []
        for name in filter(None, re.split(r"[、,，;；\s]+", cell.get("tags", ""))):
            tag = tags.get(name)
            if tag is None:
                err("人群标签", _("未知标签“%(v)s”。") % {"v": name})
            elif not permissions.can_view_sensitive_tag(actor, tag):
                err("人群标签", _("您无权设置标签“%(v)s”。") % {"v": name})
            else:
                row["tags"].append(tag)
        if len(result.errors) == errors_before:
            parsed_rows.append((rownum, row))

    existing = {
        r.id_number: r
        for r in Resident.objects.filter(id_number__in=list(seen_ids)).select_related("household", "unit")
    }
    for rownum, row in parsed_rows:
        other = existing.get(row["id"].value)
        if other and other.unit_id != unit.pk:
            result.errors.append(RowError(rownum, "身份证号", _("该居民已在其他社区登记，请先办理迁出。")))
    if result.errors:
        return result

    with transaction.atomic():
        households = {h.number: h for h in Household.objects.filter(unit=unit)}
        for _rownum, row in parsed_rows:
            household = households.get(row["household_number"])
            if household is None:
                household = Household.objects.create(
                    unit=unit,
                    number=row["household_number"],
                    address=row["address"],
                    building=row["building"],
                    hukou_kind=row["hukou_kind"],
                    hukou_type=row["hukou_type"],
                )
                households[household.number] = household
                result.households_created += 1
            values = {
                "name": row["name"],
                "phone": row["phone"],
                "relation": row["relation"],
                "lives_alone": row["lives_alone"],
                "monthly_income": row["monthly_income"],
                "disability_kind": row["disability_kind"],
                "disability_grade": row["disability_grade"],
            }
            ident = row["id"]
            resident = existing.get(ident.value)
            if resident is None:
                full, initials = pinyin_keys(row["name"])
                resident = Resident.objects.create(
                    household=household,
                    unit=unit,
                    id_number=ident.value,
                    birth_date=ident.birth_date,
                    sex=ident.sex,
                    name_pinyin=full,
                    name_initials=initials,
                    **values,
                )
                resident.tags.set(row["tags"])
                result.created += 1
                continue
            changed = {
                k: [str(getattr(resident, k)), str(v)] for k, v in values.items() if getattr(resident, k) != v
            }
            if resident.household_id != household.pk:
                changed["household"] = [resident.household.number, household.number]
                resident.household = household
                # Benefits still running follow the resident into the new household (statistics count 户 there).
                resident.benefits.filter(
                    Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
                ).update(household=household)
            new_tags = {t.code for t in row["tags"]}
            old_tags = set(resident.tags.values_list("code", flat=True))
            if new_tags - old_tags:
                resident.tags.add(*[t for t in row["tags"] if t.code not in old_tags])
                changed["tags"] = [sorted(old_tags), sorted(old_tags | new_tags)]
            if changed:
                for k, v in values.items():
                    setattr(resident, k, v)
                resident.name_pinyin, resident.name_initials = pinyin_keys(resident.name)
                resident.save()
                audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=resident, changes=changed)
                result.updated += 1
            else:
                result.unchanged += 1
        audit_record(
            actor=actor,
            action=AuditEvent.Action.IMPORT,
            object_type="registry.resident",
            unit=unit,
            changes={
                "file": filename,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "households_created": result.households_created,
            },
        )
    return result


def template_workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "居民导入"
    ws.append([title for title, _f, _r in COLUMNS])
    ws.append(
        [
            "A-001",
            "核桃园小区1号楼101",
            "1号楼",
            "本地户籍",
            "城镇",
            "张三丰",
            idnumber.build("110102", date(1950, 3, 1), 11),
            "户主",
            "13800001234",
            "否",
            "1200.00",
            "",
            "",
            "独居",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
