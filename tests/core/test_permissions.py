import pytest

from quanke.core import permissions
from quanke.registry.models import Tag


@pytest.mark.parametrize(
    "who, personal, edit, imports, stats",
    [
        ("desk_a", True, True, False, False),
        ("back_a", True, True, True, False),
        ("head_a", True, True, True, True),
        ("street_handler", True, False, False, True),
        ("county_viewer", False, False, False, True),
        ("admin", True, True, True, True),
    ],
)
def test_role_matrix(cast, who, personal, edit, imports, stats):
    user = getattr(cast, who)
    assert permissions.can_view_personal_data(user) is personal
    assert permissions.can_edit_residents(user) is edit
    assert permissions.can_import_residents(user) is imports
    assert permissions.can_view_statistics(user) is stats


def test_unit_scope_follows_the_tree(cast):
    assert permissions.unit_in_scope(cast.desk_a, cast.community_a)
    assert not permissions.unit_in_scope(cast.desk_a, cast.community_b)
    assert not permissions.unit_in_scope(cast.desk_a, cast.street_1)
    assert permissions.unit_in_scope(cast.street_handler, cast.community_b)
    assert not permissions.unit_in_scope(cast.street_handler, cast.community_c)


def test_unit_code_prefixes_do_not_leak(cast):
    # A sibling whose code starts with the same digits must not fall into the scope.
    from quanke.core.models import OrgUnit

    twin = OrgUnit.objects.create(code="3301020011", name="孪生街道", level="street", parent=cast.county)
    assert not permissions.unit_in_scope(cast.street_handler, twin)


def test_sensitive_tag_rules(cast):
    rehab = Tag.objects.get(code="drug_rehab")
    mental = Tag.objects.get(code="mental_disorder")
    elderly = Tag.objects.get(code="elderly")
    assert permissions.can_use_tag(cast.desk_a, elderly)
    assert not permissions.can_use_tag(cast.desk_a, rehab)
    assert permissions.can_use_tag(cast.head_a, rehab)
    assert permissions.can_use_tag(cast.back_a, mental)
    assert not permissions.can_use_tag(cast.back_a, rehab)
    assert not permissions.can_use_tag(cast.county_viewer, elderly)


def test_inactive_user_has_no_access(cast):
    cast.desk_a.is_active = False
    assert not permissions.can_view_personal_data(cast.desk_a)


def test_scoped_queries_do_not_leak_across_code_prefixes(cast):
    from quanke.core.models import OrgUnit
    from quanke.registry.selectors import residents_for
    from tests.conftest import make_resident

    # Street 330102001's path is a string prefix of street 3301020011's path.
    twin = OrgUnit.objects.create(code="3301020011", name="孪生街道", level="street", parent=cast.county)
    twin_community = OrgUnit.objects.create(
        code="330102001101", name="孪生社区", level="community", parent=twin
    )
    make_resident(twin_community, "孪生居民")
    own = make_resident(cast.community_a, "本社区居民")
    assert list(residents_for(actor=cast.street_handler)) == [own]
    assert twin not in permissions.units_for(cast.street_handler)
