from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class ErrorOut(Schema):
    """Every error answer (4xx) has this body."""

    code: str = Field(description="稳定的错误代码（见接口说明中的错误代码表），供其他系统判断")
    message: str = Field(description="给人看的说明（中文）")
    errors: dict[str, list[str]] | None = Field(None, description="按字段列出的问题（字段名 → 说明）")


class TagOut(Schema):
    """A special-group tag the caller may filter by (permissions.can_use_tag)."""

    code: str
    name: str
    sensitive: bool


class ResidentRow(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    sex: str
    age: int
    unit: str
    address: str


class ResidentOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    sex: str
    birth_date: date
    age: int
    unit_code: str
    unit: str
    household_number: str
    address: str
    hukou_kind: str = Field(description="本人户籍：local 本地 / nonlocal 外地（未单独登记时同家庭户）")
    hukou_local: bool = Field(description="本人户籍在本地；低保保障人口、特困、高龄津贴、护理补贴以此为条件")
    hukou_type: str
    relation: str
    lives_alone: bool
    monthly_income: Decimal
    disability_kind: str
    disability_grade: int | None
    tags: list[str]
    benefits: list[str]


class MaterialOut(Schema):
    name: str
    form: str
    copies: int
    condition: str
    note: str


class ItemOut(Schema):
    code: str
    name: str
    category: str
    parent: str | None
    specialty: str
    handling: str
    route_level: str
    route_department: str
    legal_limit_days: int | None
    promised_limit_days: int | None
    refusal_note: str
    materials: list[MaterialOut]
