"""OpenFisca entities: a person and the household (低保 unit) they belong to."""

from openfisca_core.entities import build_entity

Person = build_entity(
    key="person",
    plural="persons",
    label="居民",
    doc="A resident assessed by the station.",
    is_person=True,
)

Household = build_entity(
    key="household",
    plural="households",
    label="家庭",
    doc="The household whose members' incomes are pooled for 低保.",
    roles=[{"key": "member", "plural": "members", "label": "家庭成员"}],
)

ENTITIES = [Household, Person]
