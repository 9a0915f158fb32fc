"""自助测算“我能申请什么补助？”: plain questions about the household, answered by the same rules engine and
explanations the workers use, with the locality's current parameters. Nothing is stored."""

from datetime import date

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from quanke.assistance.engine import AssessmentInputError, EngineError, assess_household
from quanke.assistance.engine import api as engine_api
from quanke.assistance.parameters import locality_for_unit, parameter_overrides
from quanke.public import selectors
from quanke.public.forms import CheckForm, MemberFormSet
from quanke.public.pages import chinese, private


def engine_takes_hukou_local() -> bool:
    """Per-member 户籍 is passed only to an engine that validates it (work on the engine adds it)."""
    return "hukou_local" in getattr(engine_api, "_MEMBER_FIELDS", ())


def birth_for_age(today: date, age: int) -> date:
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


def household_data(form: CheckForm, members: list[dict], *, locality: str, today: date) -> dict:
    with_hukou = engine_takes_hukou_local()
    rows = []
    for i, m in enumerate(members, start=1):
        row = {
            "id": str(i),
            "birth_date": birth_for_age(today, m["age"]).isoformat(),
            "sex": "male",  # validated by the engine, used by no rule; the page does not ask
            "monthly_income": m["income"] or 0,
            "disability": {"kind": m["disability"], "grade": m["grade"]} if m.get("disability") else None,
            "in_school": m["in_school"],
            "needs_long_term_care": m["needs_care"],
            "has_capable_supporter": m["supporter"],
        }
        if with_hukou:
            row["hukou_local"] = m["local"]
        rows.append(row)
    return {
        "locality": locality,
        "date": today.isoformat(),
        "hukou": form.cleaned_data["hukou"],
        "assets_within_limits": form.cleaned_data["assets_ok"],
        "receiving": ["dibao"] if form.cleaned_data["receiving_dibao"] else [],
        "members": rows,
    }


PERSON_PROGRAMS = (
    ("tekun", _l("特困人员救助供养"), "monthly_basic"),
    ("gaoling", _l("高龄津贴"), "monthly_amount"),
    ("disability_living", _l("困难残疾人生活补贴"), ""),
    ("disability_care", _l("重度残疾人护理补贴"), ""),
)


def programmes(result: dict) -> list[dict]:
    """Each programme once: whether it may apply, the amount where the engine gives one, and the reasons."""
    out = [
        {
            "name": _("最低生活保障（低保）"),
            "eligible": result["dibao"]["eligible"],
            "amount": result["dibao"]["monthly_amount"] if result["dibao"]["eligible"] else None,
            "unit": _("元/月（全家）"),
            "reasons": result["dibao"]["explanation"],
        },
        {
            "name": _("低保边缘家庭"),
            "eligible": result["dibao_edge"]["eligible"],
            "amount": None,
            "reasons": result["dibao_edge"]["explanation"],
        },
    ]
    for key, name, amount_key in PERSON_PROGRAMS:
        for member_id, member in result["members"].items():
            r = member[key]
            out.append(
                {
                    "name": str(name),
                    "who": _("第%(n)s位家庭成员（%(age)s岁）") % {"n": member_id, "age": member["age"]},
                    "eligible": r["eligible"],
                    "amount": r[amount_key] if amount_key and r["eligible"] else None,
                    "unit": _("元/月"),
                    "reasons": r["explanation"],
                }
            )
    return sorted(out, key=lambda p: not p["eligible"])


@chinese
@private
def check(request):
    unit = selectors.station(request.GET.get("station", "")[:12])
    if request.method != "POST":
        return render(
            request,
            "public/check.html",
            {
                "form": CheckForm(),
                "members": MemberFormSet(prefix="m", initial=[{"age": 60, "income": 0, "local": "1"}]),
                "unit": unit,
            },
        )
    form, members = CheckForm(request.POST), MemberFormSet(request.POST, prefix="m")
    context = {"form": form, "members": members, "unit": unit}
    if not (form.is_valid() and members.is_valid()):
        return render(request, "public/check.html", context, status=400)
    today = timezone.localdate()
    locality = locality_for_unit(unit) if unit else settings.ASSISTANCE_DEFAULT_LOCALITY
    data = household_data(form, [m.cleaned_data for m in members.forms], locality=locality, today=today)
    try:
        result = assess_household(data, parameters=parameter_overrides())
    except AssessmentInputError as exc:
        form.add_error(None, str(exc))
        return render(request, "public/check.html", context, status=400)
    except EngineError:
        form.add_error(None, _("暂时无法测算，请致电服务站咨询。"))
        return render(request, "public/check.html", context, status=503)
    found = programmes(result)
    return render(
        request,
        "public/check_result.html",
        {
            **context,
            "standard": result["standard"],
            "programmes": [p for p in found if p["eligible"]],
            "others": [p for p in found if not p["eligible"]],
            "phone": selectors.station_phone(unit) if unit else settings.STATION_PHONE,
        },
    )
