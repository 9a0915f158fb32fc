"""The statistics tree places a unit under another with permissions.within, the same rule as subtree()."""

from quanke.core import permissions
from quanke.core.models import OrgUnit, UnitLevel
from quanke.reports import selectors


def test_tree_takes_units_below_and_not_a_sibling_whose_code_starts_alike(cast):
    # 330102001 and 3301020010 share a prefix; only the "/" separator tells that one is not below the other.
    look_alike = OrgUnit.objects.create(
        code="3301020010", name="相似街道", level=UnitLevel.STREET, parent=cast.county
    )
    under = OrgUnit.objects.create(
        code="33010200100", name="相似社区", level=UnitLevel.COMMUNITY, parent=look_alike
    )
    tree = selectors.unit_tree(cast.county)
    street = tree.units[cast.street_1.pk]
    assert {u.pk for u in tree.units_under(street)} == {
        cast.street_1.pk,
        cast.community_a.pk,
        cast.community_b.pk,
    }
    assert {c.pk for c in tree.communities_under(street)} == {cast.community_a.pk, cast.community_b.pk}
    assert {c.pk for c in tree.communities_under(look_alike)} == {under.pk}
    assert permissions.within(cast.community_a, cast.street_1) and permissions.within(street, street)
    assert not permissions.within(under, cast.street_1)
    # The database rule agrees with the in-memory one.
    in_db = set(OrgUnit.objects.filter(permissions.subtree(cast.street_1, "")).values_list("pk", flat=True))
    assert in_db == {u.pk for u in tree.units_under(street)}
