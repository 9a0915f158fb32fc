"""When a conditional material is needed, judged from the applicant's registry data (mechanism, not policy)."""

from datetime import date

from quanke.catalog.models import MaterialCondition as C


def applies(condition: str, resident, *, on: date | None = None, receiving: set[str] | None = None) -> bool:
    """Whether a material with `condition` is required of `resident` (None: an unknown applicant)."""
    if condition == C.ALWAYS:
        return True
    if resident is None:
        return False  # conditional materials are listed as "if applicable" for anonymous consultations
    day = on or date.today()
    household = resident.household
    checks = {
        C.DISABLED: lambda: bool(resident.disability_kind),
        C.AGE_60_PLUS: lambda: resident.age_on(day) >= 60,
        C.AGE_80_PLUS: lambda: resident.age_on(day) >= 80,
        C.UNDER_18: lambda: resident.age_on(day) < 18,
        C.NON_LOCAL_HUKOU: lambda: not resident.hukou_local,
        C.LOCAL_HUKOU: lambda: resident.hukou_local,
        C.RURAL_HUKOU: lambda: household.hukou_type == "rural",
        C.URBAN_HUKOU: lambda: household.hukou_type == "urban",
        C.HAS_DIBAO: lambda: "dibao" in (receiving if receiving is not None else set()),
    }
    check = checks.get(condition)
    return bool(check and check())
