from quanke.registry.selectors import resident_search
from tests.conftest import make_resident


def test_pinyin_initials_name_id_and_phone_find_the_resident(cast):
    zsf = make_resident(cast.community_a, "张三丰", phone="13812345678")
    make_resident(cast.community_a, "李四")
    find = lambda q: list(resident_search(actor=cast.desk_a, query=q))  # noqa: E731
    assert find("zsf") == [zsf]
    assert find("ZSF") == [zsf]
    assert find("zhangsan") == [zsf]
    assert find("三丰") == [zsf]
    assert find(zsf.id_number) == [zsf]
    assert find(zsf.id_number[-4:]) == [zsf]
    assert find("5678") == [zsf]
    assert find("wxyz") == []


def test_lookup_never_crosses_into_another_community(cast):
    make_resident(cast.community_b, "张三丰")
    assert list(resident_search(actor=cast.desk_a, query="zsf")) == []
    assert len(resident_search(actor=cast.desk_b, query="zsf")) == 1


def test_street_user_sees_her_street_only(cast):
    a = make_resident(cast.community_a, "王五")
    b = make_resident(cast.community_b, "王六")
    make_resident(cast.community_c, "王七")
    assert set(resident_search(actor=cast.street_handler, query="王")) == {a, b}


def test_county_viewer_sees_no_personal_records(cast):
    make_resident(cast.community_a, "王五")
    assert list(resident_search(actor=cast.county_viewer, query="")) == []


def test_id_tail_ending_in_check_character_x_finds_the_resident(cast):
    from datetime import date

    from quanke.registry import idnumber

    for seq in range(1, 60):
        number = idnumber.build("330102", date(1966, 6, 6), seq)
        if number.endswith("X"):
            break
    r = make_resident(cast.community_a, "王五")
    r.id_number = number
    r.save(update_fields=["id_number"])
    assert list(resident_search(actor=cast.desk_a, query=number[-4:].lower())) == [r]
