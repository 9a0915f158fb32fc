"""Resident ID numbers (居民身份证号), GB 11643-1999: 6-digit area, 8-digit birth date, 3-digit sequence
(odd = male), check character by ISO 7064 MOD 11-2 ('X' stands for 10)."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
CHECK_CHARS = "10X98765432"
# ASCII only: `\d` would also match full-width and other Unicode digits, letting "１１０…" in as a second person.
PATTERN = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)
# The same rule as SQL for the database constraint (see Resident.Meta).
DB_PATTERN = r"^[0-9]{17}[0-9X]$"


@dataclass(frozen=True)
class IdNumber:
    value: str
    area_code: str
    birth_date: date
    sex: str  # "M" or "F"


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(raw: str) -> str:
    """The one canonical form every entry point stores and looks up: NFKC (full-width digits and letters become
    ASCII), no whitespace or invisible format characters anywhere, upper case (a lowercase x is the check X)."""
    value = unicodedata.normalize("NFKC", str(raw or ""))
    value = "".join(c for c in value if not c.isspace() and unicodedata.category(c) != "Cf")
    return value.upper()


def is_normalized(value: str) -> bool:
    return bool(PATTERN.match(value or ""))


def parse(raw: str, *, today: date | None = None) -> IdNumber:
    value = normalize(raw)
    if len(value) != 18:
        raise ValidationError(_("身份证号应为18位，当前为%(n)d位。") % {"n": len(value)}, code="length")
    if not PATTERN.match(value):
        raise ValidationError(_("身份证号前17位应为数字，最后一位为数字或X。"), code="format")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号中的出生日期 %(d)s 不是有效日期。") % {"d": value[6:14]}, code="birth_date"
        ) from None
    if birth.year < 1890 or birth > (today or date.today()):
        raise ValidationError(
            _("身份证号中的出生日期 %(d)s 不在合理范围内。") % {"d": birth.isoformat()}, code="birth_date"
        )
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("身份证号校验位错误：最后一位应为 %(c)s，请核对号码。") % {"c": expected}, code="check_char"
        )
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, area_code=value[:6], birth_date=birth, sex=sex)


def build(area_code: str, birth: date, sequence: int) -> str:
    """A valid number for the given parts (used by demo data and tests)."""
    first17 = f"{area_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def mask(value: str) -> str:
    """110101********1234: area and last four only, as lists show it."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*丰, 李*, 欧**锋: the first and, for three or more characters, the last one, as a posted list shows a
    name; a one-character name is masked whole ("—", the placeholder for no name, stays)."""
    value = (value or "").strip()
    if value == "—":
        return value
    if len(value) <= 1:
        return "*" * len(value)
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
