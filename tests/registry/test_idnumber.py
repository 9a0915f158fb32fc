from datetime import date

import pytest
from django.core.exceptions import ValidationError

from quanke.registry import idnumber

# GB 11643-1999 example number, whose check character is X.
KNOWN_VALID = "11010519491231002X"


def test_known_valid_number_parses_birth_date_and_sex():
    parsed = idnumber.parse(KNOWN_VALID)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"  # sequence 002 is even
    assert parsed.area_code == "110105"


def test_lower_case_x_and_spaces_are_normalised():
    assert idnumber.parse(" 11010519491231002x ").value == KNOWN_VALID


def test_built_numbers_round_trip():
    value = idnumber.build("440305", date(1988, 2, 29), 123)
    parsed = idnumber.parse(value)
    assert (parsed.birth_date, parsed.sex) == (date(1988, 2, 29), "M")


def test_bad_check_character_is_refused_in_chinese():
    with pytest.raises(ValidationError) as exc:
        idnumber.parse("110105194912310021")
    assert exc.value.code == "check_char"
    assert "校验位错误" in exc.value.messages[0] and "X" in exc.value.messages[0]


def test_impossible_birth_date_is_refused():
    first17 = "44030519990230123"  # 30 February
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(first17 + idnumber.check_char(first17))
    assert exc.value.code == "birth_date"
    assert "不是有效日期" in exc.value.messages[0]


def test_future_birth_date_is_refused():
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(idnumber.build("440305", date(2099, 1, 1), 11), today=date(2026, 1, 1))
    assert exc.value.code == "birth_date"


@pytest.mark.parametrize("raw", ["", "1101051949123100", "11010519491231002XX", "1101051949123100A2"])
def test_wrong_length_or_characters(raw):
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(raw)
    assert exc.value.code in {"length", "format"}


def test_masks():
    assert idnumber.mask("110101199003071234") == "110101********1234"
    assert idnumber.mask_phone("13812345678") == "138****5678"
    assert idnumber.mask("") == "" and idnumber.mask_phone("") == ""
