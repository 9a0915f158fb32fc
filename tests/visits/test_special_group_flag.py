"""A visit records whether the household was a special group's (a member with a 人群标签) when it was made: the
statistics' 特殊群体走访 counts households as they were then, not as they are when the report is run."""

from quanke.registry.models import Tag
from quanke.visits import services
from tests.visits.conftest import household_with


def test_visit_records_the_special_group_as_it_was(cast):
    hh, (r,) = household_with(cast.community_a, "周某某")
    plain = services.visit_record(actor=cast.desk_a, household=hh, met=[r])
    assert plain.special_group is False
    r.tags.add(Tag.objects.get(code="tekun"))
    tagged = services.visit_record(actor=cast.desk_a, household=hh, met=[r])
    assert tagged.special_group is True
    r.tags.clear()
    plain.refresh_from_db()
    tagged.refresh_from_db()
    assert (plain.special_group, tagged.special_group) == (False, True)  # history is not rewritten


def test_only_tags_with_a_visit_interval_make_a_special_group(cast):
    """The same tags the visit planner schedules by: a tag without a visit interval is not a special group."""
    plain_tag = Tag.objects.create(code="volunteer_member", name="志愿者骨干")
    hh, (r,) = household_with(cast.community_a, "吴某某")
    r.tags.add(plain_tag)
    assert services.visit_record(actor=cast.desk_a, household=hh, met=[r]).special_group is False
