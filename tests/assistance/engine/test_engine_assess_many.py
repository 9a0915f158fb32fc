"""assess_many: agrees with assess_household, validates its columns, stays vectorised."""

import time

import numpy
import pytest

from quanke.assistance.engine import (
    DISABILITY_KIND_CODES,
    HUKOU_CODES,
    AssessmentInputError,
    ParameterDateError,
    UnknownLocalityError,
    assess_household,
    assess_many,
)

# Dates around the parameter changes of each locality.
DATES = {
    "beijing": ["2021-06-30", "2021-07-01", "2023-06-30", "2023-07-01", "2024-02-29"],
    "chongqing": ["2023-08-31", "2023-09-01"],
}
# Incomes on and around the thresholds of both localities, plus ordinary amounts.
BOUNDARY_INCOMES = [
    0,
    581,
    599.99,
    600,
    717,
    735,
    871.5,
    900,
    1102.5,
    1170,
    1245,
    1394.99,
    1395,
    2092.49,
    2092.5,
]


def random_households(seed: int, count: int) -> list[dict]:
    rng = numpy.random.default_rng(seed)
    households = []
    for h in range(count):
        locality = str(rng.choice(list(DATES)))
        date = str(rng.choice(DATES[locality]))
        assessed = numpy.datetime64(date)
        members = []
        for m in range(int(rng.integers(1, 6))):
            if rng.random() < 0.3:
                # Exactly N years old today, or turning N tomorrow: the age boundaries.
                years = int(rng.choice([15, 16, 59, 60, 79, 80, 89, 90, 99, 100]))
                year, month_day = int(date[:4]) - years, date[4:]
                if month_day == "-02-29" and year % 4:
                    month_day = "-02-28"
                birth = numpy.datetime64(f"{year:04d}{month_day}") + int(rng.integers(0, 2))
                birth = min(birth, assessed)
            else:
                birth = assessed - int(rng.integers(0, 105 * 365))
            if rng.random() < 0.4:
                income = float(rng.choice(BOUNDARY_INCOMES))
            else:
                income = float(rng.choice([0.0, round(float(rng.uniform(0, 3000)), 2)]))
            disability = None
            if rng.random() < 0.35:
                disability = {
                    "kind": str(rng.choice(DISABILITY_KIND_CODES[1:])),
                    "grade": int(rng.integers(1, 5)),
                }
            members.append(
                {
                    "id": f"h{h}m{m}",
                    "birth_date": str(birth),
                    "sex": str(rng.choice(["male", "female"])),
                    "monthly_income": income,
                    "disability": disability,
                    "in_school": bool(rng.random() < 0.2),
                    "needs_long_term_care": bool(rng.random() < 0.3),
                    "has_capable_supporter": bool(rng.random() < 0.4),
                }
            )
        households.append(
            {
                "locality": locality,
                "date": date,
                "hukou": str(rng.choice(HUKOU_CODES)),
                "assets_within_limits": bool(rng.random() < 0.8),
                "receiving": ["dibao"] if rng.random() < 0.3 else [],
                "members": members,
            }
        )
    return households


def to_columns(households: list[dict]) -> tuple[dict, dict]:
    persons = {
        name: []
        for name in ("household", "birth_date", "monthly_income", "disability_kind", "disability_grade")
    }
    for name in ("in_school", "needs_long_term_care", "has_capable_supporter"):
        persons[name] = []
    for index, data in enumerate(households):
        for member in data["members"]:
            persons["household"].append(index)
            persons["birth_date"].append(member["birth_date"])
            persons["monthly_income"].append(member["monthly_income"])
            disability = member["disability"] or {"kind": "none", "grade": 0}
            persons["disability_kind"].append(DISABILITY_KIND_CODES.index(disability["kind"]))
            persons["disability_grade"].append(disability["grade"])
            for name in ("in_school", "needs_long_term_care", "has_capable_supporter"):
                persons[name].append(member[name])
    columns = {name: numpy.array(values) for name, values in persons.items()}
    columns["birth_date"] = columns["birth_date"].astype("datetime64[D]")
    household_columns = {
        "hukou": numpy.array([HUKOU_CODES.index(data["hukou"]) for data in households]),
        "assets_within_limits": numpy.array([data["assets_within_limits"] for data in households]),
        "receiving_dibao": numpy.array(["dibao" in data["receiving"] for data in households]),
    }
    return columns, household_columns


def test_assess_many_agrees_with_assess_household_on_random_households():
    households = random_households(seed=20240601, count=300)
    groups: dict[tuple[str, str], list[dict]] = {}
    for data in households:
        groups.setdefault((data["locality"], data["date"]), []).append(data)
    assert len(groups) == 7
    checked = 0
    for (locality, date), group in groups.items():
        persons, household_columns = to_columns(group)
        bulk = assess_many(persons, household_columns, locality=locality, date=date)
        person = 0
        for index, data in enumerate(group):
            expected = assess_household(data)
            got = {name: values[index] for name, values in bulk["households"].items()}
            assert got["dibao_standard"] == expected["standard"]
            assert bool(got["dibao_eligible"]) == expected["dibao"]["eligible"]
            assert got["dibao_monthly_amount"] == expected["dibao"]["monthly_amount"]
            assert bool(got["dibao_edge_eligible"]) == expected["dibao_edge"]["eligible"]
            assert bool(got["gradual_exit"]) == expected["gradual_exit"]
            for member in data["members"]:
                want = expected["members"][member["id"]]
                have = {name: values[person] for name, values in bulk["persons"].items()}
                assert have["age"] == want["age"]
                assert bool(have["tekun_eligible"]) == want["tekun"]["eligible"]
                assert have["tekun_monthly_basic"] == want["tekun"]["monthly_basic"]
                assert bool(have["gaoling_eligible"]) == want["gaoling"]["eligible"]
                assert have["gaoling_monthly_amount"] == want["gaoling"]["monthly_amount"]
                assert bool(have["disability_living_eligible"]) == want["disability_living"]["eligible"]
                assert bool(have["disability_care_eligible"]) == want["disability_care"]["eligible"]
                person += 1
            checked += 1
    assert checked == 300
    # The sample must exercise both outcomes of every programme, or agreement proves little.
    results = [assess_household(data) for data in households]
    assert {r["dibao"]["eligible"] for r in results} == {True, False}
    assert {r["dibao_edge"]["eligible"] for r in results} == {True, False}
    assert {r["gradual_exit"] for r in results} == {True, False}
    for program in ("tekun", "gaoling", "disability_living", "disability_care"):
        outcomes = {m[program]["eligible"] for r in results for m in r["members"].values()}
        assert outcomes == {True, False}, program


def simple_columns(**changes):
    persons = {
        "household": numpy.array([0, 0, 1]),
        "birth_date": numpy.array(["1940-01-01", "1980-01-01", "1990-01-01"], dtype="datetime64[D]"),
        "monthly_income": numpy.array([0.0, 500.0, 3000.0]),
        "disability_kind": numpy.array([0, 4, 0]),
        "disability_grade": numpy.array([0, 1, 0]),
        "needs_long_term_care": numpy.array([False, True, False]),
    }
    households = {"hukou": numpy.array([0, 1]), "assets_within_limits": numpy.array([True, True])}
    for key, value in changes.items():
        table, name = key.split("__")
        target = persons if table == "p" else households
        if value is None:
            del target[name]
        else:
            target[name] = value
    return persons, households


def test_bulk_outputs():
    persons, households = simple_columns()
    result = assess_many(persons, households, locality="beijing", date="2023-07-01")
    assert set(result) == {"households", "persons"}
    # Both members of household 0 are 特困-eligible, so nobody is left for 低保 to cover.
    numpy.testing.assert_array_equal(result["households"]["dibao_eligible"], [False, False])
    numpy.testing.assert_array_equal(result["households"]["dibao_monthly_amount"], [0.0, 0.0])
    numpy.testing.assert_array_equal(result["households"]["dibao_covered_count"], [0, 1])
    numpy.testing.assert_array_equal(result["persons"]["dibao_covered"], [False, False, True])
    numpy.testing.assert_array_equal(result["persons"]["age"], [83, 43, 33])
    numpy.testing.assert_array_equal(result["persons"]["gaoling_monthly_amount"], [100.0, 0.0, 0.0])
    numpy.testing.assert_array_equal(result["persons"]["tekun_monthly_basic"], [1813.5, 1813.5, 0.0])
    numpy.testing.assert_array_equal(result["persons"]["disability_care_eligible"], [False, True, False])
    for table in result.values():
        for values in table.values():
            assert isinstance(values, numpy.ndarray)


def test_bulk_dibao_covers_local_members_who_are_not_tekun():
    persons, households = simple_columns(
        p__has_capable_supporter=numpy.array([True, True, True]),
        p__hukou_local=numpy.array([False, True, True]),
    )
    result = assess_many(persons, households, locality="beijing", date="2023-07-01")
    # Income over both members, cover for the local one only: (1395 − 250) × 1.
    numpy.testing.assert_array_equal(result["households"]["dibao_eligible"], [True, False])
    numpy.testing.assert_array_equal(result["households"]["dibao_monthly_amount"], [1145.0, 0.0])
    numpy.testing.assert_array_equal(result["persons"]["dibao_covered"], [False, True, True])
    numpy.testing.assert_array_equal(result["persons"]["gaoling_eligible"], [False, False, False])
    numpy.testing.assert_array_equal(result["persons"]["disability_living_eligible"], [False, True, False])
    # Without the column every member is local.
    persons.pop("hukou_local")
    result = assess_many(persons, households, locality="beijing", date="2023-07-01")
    numpy.testing.assert_array_equal(result["households"]["dibao_monthly_amount"], [2290.0, 0.0])
    numpy.testing.assert_array_equal(result["persons"]["gaoling_eligible"], [True, False, False])


def test_ages_may_be_given_instead_of_birth_dates():
    persons, households = simple_columns(p__birth_date=None, p__age=numpy.array([85, 43, 33]))
    result = assess_many(persons, households, locality="beijing", date="2023-07-01")
    numpy.testing.assert_array_equal(result["persons"]["gaoling_monthly_amount"], [100.0, 0.0, 0.0])


def test_birth_dates_may_be_given_as_days_since_epoch():
    days = numpy.array(["1940-01-01", "1980-01-01", "1990-01-01"], dtype="datetime64[D]").astype(numpy.int64)
    persons, households = simple_columns(p__birth_date=days)
    result = assess_many(persons, households, locality="beijing", date="2023-07-01")
    numpy.testing.assert_array_equal(result["persons"]["age"], [83, 43, 33])


BAD_COLUMNS = [
    ({"p__household": numpy.array([0, 0, 2])}, "persons['household'][2]"),
    ({"p__household": numpy.array([0, 0, -1])}, "persons['household'][2]"),
    ({"p__household": numpy.array([0, 0, 0])}, "households[1]"),
    ({"p__household": numpy.array([0.0, 0.0, 1.0])}, "persons['household']"),
    ({"p__household": None}, "persons['household']"),
    ({"p__monthly_income": numpy.array([0.0, -1.0, 0.0])}, "persons['monthly_income'][1]"),
    ({"p__monthly_income": numpy.array([0.0, numpy.nan, 0.0])}, "persons['monthly_income'][1]"),
    ({"p__monthly_income": numpy.array([0.0, 1.0])}, "persons['monthly_income']"),
    ({"p__monthly_income": numpy.array(["1", "2", "3"])}, "persons['monthly_income']"),
    ({"p__disability_kind": numpy.array([0, 8, 0])}, "persons['disability_kind'][1]"),
    ({"p__disability_grade": numpy.array([0, 5, 0])}, "persons['disability_grade'][1]"),
    ({"p__disability_grade": numpy.array([0, 1, 2])}, "persons['disability_grade'][2]"),
    ({"p__age": numpy.array([1, 2, 3])}, "persons['birth_date']"),
    ({"p__birth_date": None}, "persons['birth_date']"),
    (
        {"p__birth_date": numpy.array(["1940-01-01", "1980-01-01", "2024-01-01"], dtype="datetime64[D]")},
        "persons['birth_date'][2]",
    ),
    ({"p__needs_long_term_care": numpy.array([0, 1, 0])}, "persons['needs_long_term_care']"),
    ({"p__salary": numpy.array([1, 2, 3])}, "persons['salary']"),
    ({"h__hukou": numpy.array([0, 2])}, "households['hukou'][1]"),
    ({"h__hukou": None}, "households['hukou']"),
    ({"h__assets_within_limits": numpy.array([1, 1])}, "households['assets_within_limits']"),
    ({"h__receiving_dibao": numpy.array([True])}, "households['receiving_dibao']"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_COLUMNS, ids=[field for _, field in BAD_COLUMNS])
def test_bad_columns_raise_with_field_named_message(changes, field):
    persons, households = simple_columns(**changes)
    with pytest.raises(AssessmentInputError) as caught:
        assess_many(persons, households, locality="beijing", date="2023-07-01")
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}：")


def test_bulk_rejects_unknown_locality_and_uncovered_date():
    persons, households = simple_columns()
    with pytest.raises(UnknownLocalityError):
        assess_many(persons, households, locality="wuhan", date="2023-07-01")
    with pytest.raises(ParameterDateError):
        assess_many(persons, households, locality="beijing", date="2019-12-31")
    with pytest.raises(AssessmentInputError):
        assess_many(persons, households, locality="beijing", date="2023-13-01")


def test_bulk_is_vectorised():
    # 200,000 persons in 80,000 households: far too slow if anything looped per person.
    rng = numpy.random.default_rng(7)
    households = 80_000
    person_household = numpy.concatenate([numpy.arange(households), rng.integers(0, households, 120_000)])
    persons = {
        "household": person_household,
        "age": rng.integers(0, 105, len(person_household)),
        "monthly_income": numpy.round(rng.uniform(0, 3000, len(person_household)), 2),
    }
    columns = {"hukou": rng.integers(0, 2, households), "assets_within_limits": rng.random(households) < 0.8}
    start = time.perf_counter()
    result = assess_many(persons, columns, locality="chongqing", date="2023-09-01")
    assert time.perf_counter() - start < 10
    assert len(result["persons"]["tekun_eligible"]) == 200_000
