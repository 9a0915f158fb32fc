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


def _fullwidth(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in value)


def test_full_width_digits_letters_and_spaces_are_normalised_before_validation():
    assert idnumber.parse(_fullwidth(KNOWN_VALID)).value == KNOWN_VALID
    assert idnumber.parse("１１０１０５　１９４９１２３１　００２ｘ").value == KNOWN_VALID
    assert idnumber.parse("110105 1949 1231 002Ｘ").value == KNOWN_VALID


def test_check_character_agrees_with_python_stdnum():
    from stdnum.cn import ric

    for seq in range(0, 1000, 7):
        value = idnumber.build("110105", date(1960, 3, 4), seq)
        assert ric.calc_check_digit(value) == value[-1]


@pytest.mark.parametrize("area", ["000000", "119999", "990101", "113300"])
def test_area_codes_that_never_existed_are_refused_in_chinese(area):
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(idnumber.build(area, date(1970, 1, 1), 11))
    assert exc.value.code == "area_code"
    assert "行政区划代码不存在" in exc.value.messages[0] and area in exc.value.messages[0]


@pytest.mark.parametrize(
    ("area", "birth"),
    [
        ("110103", date(1950, 1, 1)),  # 崇文区, abolished 2010: old numbers keep it
        ("110104", date(2005, 1, 1)),  # 宣武区, likewise
        ("330102", date(1940, 5, 6)),  # a code from 1983 on someone born before it existed
        ("110112", date(1960, 1, 1)),  # 通州区 (1997) for someone born in 1960
    ],
)
def test_abolished_codes_and_codes_newer_than_the_birth_are_accepted(area, birth):
    assert idnumber.parse(idnumber.build(area, birth, 11)).area_code == area


def test_area_name_reads_the_gb_t_2260_table():
    assert idnumber.area_name("110105") == "朝阳区"
    assert idnumber.area_name("110103") == "崇文区"
    assert idnumber.area_name("000000") is None and idnumber.area_name("11010") is None


def test_bad_check_character_is_reported_before_the_area_code():
    # A mistyped last digit of a real number says "校验位错误", not that the area is unknown.
    with pytest.raises(ValidationError) as exc:
        idnumber.parse("000000194912310021")
    assert exc.value.code == "check_char"


def test_demo_numbers_all_have_existing_area_codes():
    from quanke.registry import demo

    for area in [demo.LOCAL_AREA, *demo.OTHER_AREAS]:
        assert idnumber.area_code_exists(area), area
