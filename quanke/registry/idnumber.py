"""Resident ID numbers (居民身份证号), GB 11643-1999: 6-digit area (GB/T 2260), 8-digit birth date, 3-digit
sequence (odd = male), check character by ISO 7064 MOD 11-2 ('X' stands for 10).

The check character and the area-code list come from python-stdnum (`stdnum.cn.ric`, its `cn/loc` table of
current and historical GB/T 2260 codes). stdnum's own `validate` is not used as a whole: it also requires the
area code to have existed in the birth year, which refuses real numbers (a code is assigned when the number is
issued, so someone born in 1940 in 杭州上城区 carries 330102, a code from 1983), and it answers in English."""

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

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
    # stdnum's calc_check_digit takes the number with a check position and ignores that last character.
    return ric.calc_check_digit(first17 + "0")


@functools.cache
def _area_table():
    return numdb.get("cn/loc")


def area_name(area_code: str) -> str | None:
    """The county-level name GB/T 2260 gives the code, or None for a code that never existed. A code abolished
    since (110103 崇文区, until 2010) still names its county: numbers issued under it stay valid."""
    if not re.fullmatch(r"[0-9]{6}", area_code or "", re.ASCII):
        return None
    info = {k: v for _part, props in _area_table().info(area_code) for k, v in props.items()}
    county = info.get("county")
    if not county:
        return None
    # Entries read "[1997-]通州区" or, when a code was reused, "[1997-1997]万县区,[1998-]万州区": the latest name.
    return county.split(",")[-1].split("]")[-1]


def area_code_exists(area_code: str) -> bool:
    return area_name(area_code) is not None


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
    if not area_code_exists(value[:6]):
        raise ValidationError(
            _("身份证号前6位 %(a)s 的行政区划代码不存在，请核对号码。") % {"a": value[:6]}, code="area_code"
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
