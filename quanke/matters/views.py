"""Matter pages: the desk, the matter, its one-time notice and receipt, the queues and the head's dashboard.

Thin views: permission check → form → one service call → render or redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanke.catalog import selectors as catalog_selectors
from quanke.core import hooks, idempotency, permissions, workdays
from quanke.core.dbrouter import replica_view
from quanke.core.models import Specialty
from quanke.core.printing import pdf_response
from quanke.core.unit_settings import UnitValues
from quanke.intake.selectors import suggest_items
from quanke.matters import checklist, selectors, services, steps
from quanke.matters.forms import THEN_CHOICES, DeskForm
from quanke.matters.models import Action, Channel, Kind, MaterialState, Status
from quanke.matters.services import TransitionRefused
from quanke.registry import idnumber
from quanke.registry import selectors as registry_selectors

PICKER_LIMIT = 12


def _item_for_desk(actor, code):
    item = (
        catalog_selectors.items_for_unit(actor.unit, actor=actor)
        .prefetch_related("materials")
        .filter(code=(code or "").strip())
        .first()
    )
    if item is None:
        raise Http404("item not found")
    return item


def _resident(actor, pk):
    return registry_selectors.resident_get_for(actor=actor, pk=pk) if pk else None


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for ms in exc.message_dict.values() for m in ms)
    return "；".join(exc.messages)


# --- the desk --------------------------------------------------------------------------------------------------


@login_required
def desk(request):
    permissions.require(permissions.can_take_intake(request.user))
    form = DeskForm(request.POST or None, initial={"resident": request.GET.get("resident") or None})
    resident = item = None
    submission_token = idempotency.form_token(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def accept():
            nonlocal resident, item
            resident = None if data["anonymous"] else _resident(request.user, data["resident"])
            item = _item_for_desk(request.user, data["item"])
            route_unit = None
            if data["then"] == "route" and data["route_unit"]:
                route_unit = next(
                    (u for u in services.route_targets(request.user.unit) if u.pk == data["route_unit"]), None
                )
            matter = services.intake(
                actor=request.user,
                then=data["then"],
                note=data["note"],
                route_unit=route_unit,
                item=item,
                resident=resident,
                applicant_name="" if resident else data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                channel=data["channel"],
                kind=data["kind"],
                request_text=data["request_text"],
                received_material_ids=[int(v) for v in request.POST.getlist("received") if v.isdigit()],
            )
            return matter, reverse("matters:detail", kwargs={"code": matter.tracking_code})

        try:
            # The form's one-time token: a double click or a retry after a lost answer opens the first matter.
            outcome = idempotency.submit_once(request, scope="matters.desk", work=accept)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        except idempotency.KeyReused as exc:
            form.add_error(None, _("这张受理单已经提交过，未重复受理。如需再受理一件，请核对后重新提交。"))
            submission_token = idempotency.new_token()  # a deliberate second submission, after the warning
            form.first_submission = exc.record.location
        except idempotency.InProgress:
            form.add_error(None, _("这张受理单正在提交，请稍候刷新页面查看结果。"))
        else:
            if outcome.replayed:
                messages.info(request, _("这张受理单已经提交过，未重复受理；以下是第一次提交的办件。"))
            else:
                matter = outcome.value
                messages.success(
                    request,
                    _("已受理，受理编号 %(code)s（%(status)s）。")
                    % {"code": matter.tracking_code, "status": matter.get_status_display()},
                )
            return redirect(outcome.record.location)
    elif request.method == "GET" and request.GET.get("resident", "").isdigit():
        resident = _resident(request.user, int(request.GET["resident"]))
    if request.method == "POST" and resident is None and form.data.get("resident", "").isdigit():
        resident = _resident(request.user, int(form.data["resident"]))
    if request.method == "POST" and item is None and form.data.get("item"):
        item = (
            catalog_selectors.items_for_unit(request.user.unit, actor=request.user)
            .filter(code=form.data["item"])
            .first()
        )
    return render(
        request,
        "matters/desk.html",
        {
            "form": form,
            "resident": resident,
            "item": item,
            "channels": Channel.choices,
            "kinds": Kind.choices,
            "then_choices": THEN_CHOICES,
            "desk_counts": selectors.desk_counts(actor=request.user),
            "submission_token": submission_token,
            "submission_field": idempotency.FORM_FIELD,
        },
    )


@login_required
def desk_residents(request):
    """htmx partial: residents matching the desk's search box."""
    permissions.require(permissions.can_take_intake(request.user))
    query = request.GET.get("q", "").strip()
    rows = []
    if query:
        rows = list(
            registry_selectors.resident_search(actor=request.user, query=query).order_by("name", "id")[
                :PICKER_LIMIT
            ]
        )
    return render(request, "matters/_resident_picker.html", {"rows": rows, "query": query})


@login_required
def item_picker(request):
    """htmx partial: the desk's item box, ranked by the intake assistant from the resident's own words
    (synonyms, colloquialisms, pinyin initials), top 5."""
    permissions.require(permissions.can_take_intake(request.user))
    query = request.GET.get("q", "").strip()
    items = []
    if query:
        suggestions = suggest_items(query, top=PICKER_LIMIT, unit=request.user.unit, actor=request.user)
        by_code = catalog_selectors.items_for_unit(request.user.unit, actor=request.user).in_bulk(
            [s.code for s in suggestions], field_name="code"
        )
        for suggestion in suggestions:
            item = by_code.get(suggestion.code)
            if item is not None:
                item.matched_words = suggestion.matched
                items.append(item)
    return render(request, "matters/_item_picker.html", {"items": items, "query": query})


def _route_choices(item, unit):
    default_unit, _spec = services.default_route(item, unit)
    return [
        {
            "unit": u,
            "label": _("本站后台（%(s)s）") % {"s": item.get_specialty_display()}
            if u.pk == unit.pk
            else f"{u.name}（{item.route_department or item.get_specialty_display()}）",
            "default": u.pk == default_unit.pk,
        }
        for u in services.route_targets(unit)
    ]


@login_required
def desk_checklist(request):
    """htmx partial: the chosen item's materials for the chosen resident, its limit, routing and refusal note."""
    permissions.require(permissions.can_take_intake(request.user))
    item = _item_for_desk(request.user, request.GET.get("item"))
    resident_id = request.GET.get("resident", "")
    resident = _resident(request.user, int(resident_id)) if resident_id.isdigit() else None
    today = timezone.localdate()
    limit = item.time_limit_days if item.handling == "routed" else None
    due = workdays.deadline(today, limit) if limit is not None else None
    return render(
        request,
        "matters/_checklist.html",
        {
            "item": item,
            "resident": resident,
            "lines": checklist.resolve(item, resident, on=today),
            "limit": limit,
            "due": due,
            "route_choices": _route_choices(item, request.user.unit),
        },
    )


# --- one matter -------------------------------------------------------------------------------------------------


def _department_choices(matter):
    return [u for u in matter.unit.ancestors() if u.pk != matter.handling_unit_id]


@login_required
def matter_detail(request, code):
    permissions.require(permissions.can_view_personal_data(request.user))
    matter = selectors.matter_read_for(actor=request.user, code=code, via="web_detail")
    offered = steps.available(request.user, matter)
    actions = [s.action for s in offered]
    return render(
        request,
        "matters/detail.html",
        {
            "matter": matter,
            "related": hooks.related(matter),
            "steps": [
                {"step": s, "note_required": bool(s.note and s.note.required(matter))} for s in offered
            ],
            "actions": actions,
            "outstanding": [mm for mm in matter.materials.all() if mm.state == MaterialState.MISSING],
            "deadline_state": matter.deadline_state(timezone.localdate()),
            "departments": _department_choices(matter) if Action.FORWARD in actions else [],
            "route_choices": _route_choices(matter.item, matter.unit) if Action.ROUTE in actions else [],
            "workers": selectors.reassign_choices(unit=matter.unit) if Action.REASSIGN in actions else [],
            "perm_resident": bool(matter.resident_id)
            and permissions.unit_in_scope(request.user, matter.resident.unit),
        },
    )


@login_required
@require_POST
def matter_act(request, code, action):
    permissions.require(permissions.can_view_personal_data(request.user))
    matter = selectors.matter_get_for(actor=request.user, code=code)
    step = steps.step(action)
    try:
        matter = steps.run(request.user, matter, action, steps.FormPayload(request.POST))
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("%(code)s：%(action)s，当前状态“%(status)s”。")
            % {"code": matter.tracking_code, "action": step.label, "status": matter.get_status_display()},
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    try:
        return redirect(
            "matters:detail", code=selectors.matter_get_for(actor=request.user, code=code).tracking_code
        )
    except Http404:
        # The step moved the matter out of the actor's sight (e.g. forwarded elsewhere): back to her queue.
        return redirect(
            "matters:queue" if permissions.can_use_matter_queues(request.user) else "matters:list"
        )


# --- one-time notice and receipt --------------------------------------------------------------------------------


def _where(item, unit, handling_unit=None, specialty: str = ""):
    """Where the item is handled, as the notice states it: the matter's actual handling unit and specialty once
    it has been routed (``handling_unit``), else where the item goes by default. The item's own department
    (route_department) is named only where the matter goes to the item's default unit."""
    if item.handling == "on_spot":
        return _("本站窗口当场办理")
    if item.handling == "refused":
        return _("社区不予出具")
    default_unit = services.default_route(item, unit)[0]
    target = handling_unit or default_unit
    station = unit.station_name or unit.name
    spec = Specialty(specialty).label if specialty in Specialty.values else item.get_specialty_display()
    dept = item.route_department if target.pk == default_unit.pk else ""
    if target.pk == unit.pk:
        return _("%(station)s窗口受理，本站后台（%(spec)s）办理%(dept)s") % {
            "station": station,
            "spec": spec,
            "dept": f"，{dept}" if dept else "",
        }
    return _("%(station)s窗口受理，流转至%(unit)s（%(dept)s）办理") % {
        "station": station,
        "unit": target.name,
        "dept": dept or spec,
    }


def _notice_context(*, item, resident, unit, matter=None, applicant=""):
    day = timezone.localtime(matter.accepted_at).date() if matter else timezone.localdate()
    limit = item.time_limit_days if item.handling == "routed" else None
    lines = checklist.resolve(item, resident, on=day)
    if matter is not None:
        # What was handed over at the desk is not asked for again.
        received = {mm.material_id for mm in matter.materials.all() if mm.state == MaterialState.RECEIVED}
        for line in lines:
            if line.material_id in received:
                line.state = MaterialState.RECEIVED
    return {
        "item": item,
        "resident": resident,
        "applicant": resident.name if resident else applicant,
        "unit": unit,
        "matter": matter,
        "lines": lines,
        "day": day,
        "limit": limit,
        "due": workdays.deadline(day, limit) if (limit is not None and matter is None) else None,
        # Once routed, the matter's own handling unit and specialty (the station's back office included).
        "where": _where(
            item,
            unit,
            matter.handling_unit if matter and matter.routed_at else None,
            matter.specialty if matter else "",
        ),
        "phone": unit.phone or settings.STATION_PHONE,
        "id_masked": idnumber.mask(resident.id_number) if resident else "",
    }


@login_required
def matter_notice(request, code, pdf=False):
    permissions.require(permissions.can_view_personal_data(request.user))
    matter = selectors.matter_read_for(
        actor=request.user, code=code, via="web_notice_pdf" if pdf else "web_notice"
    )
    context = _notice_context(
        item=matter.item,
        resident=matter.resident,
        unit=matter.unit,
        matter=matter,
        applicant=matter.applicant_name,
    )
    context["resident_links"] = hooks.resident_links(matter, request)
    if pdf:
        html = render_to_string("matters/notice.html", {**context, "for_pdf": True}, request=request)
        return pdf_response(html, f"notice-{matter.tracking_code}.pdf")
    return render(request, "matters/notice.html", context)


@login_required
def notice_preview(request):
    """The one-time notice before anything is accepted: a resident (or nobody) and an item."""
    permissions.require(permissions.can_take_intake(request.user))
    item = _item_for_desk(request.user, request.GET.get("item"))
    resident_id = request.GET.get("resident", "")
    # A notice for her names her and lists the materials her own situation calls for: one read of her record.
    resident = (
        registry_selectors.resident_get_for(
            actor=request.user, pk=int(resident_id), via="matters.notice_preview"
        )
        if resident_id.isdigit()
        else None
    )
    context = _notice_context(item=item, resident=resident, unit=request.user.unit)
    if request.GET.get("format") == "pdf":
        html = render_to_string("matters/notice.html", {**context, "for_pdf": True}, request=request)
        return pdf_response(html, f"notice-{item.code}.pdf")
    return render(request, "matters/notice.html", context)


@login_required
def matter_receipt(request, code):
    permissions.require(permissions.can_view_personal_data(request.user))
    matter = selectors.matter_read_for(actor=request.user, code=code, via="web_receipt")
    return render(
        request,
        "matters/receipt.html",
        {
            "matter": matter,
            "phone": matter.unit.phone or settings.STATION_PHONE,
            "resident_links": hooks.resident_links(matter, request),
        },
    )


# --- lists, queues, dashboard -----------------------------------------------------------------------------------

PAGE_SIZE = 30


def _page(request, qs):
    raw = request.GET.get("page", "1")
    page_no = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    rows = list(qs[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], page_no, len(rows) > PAGE_SIZE


def _flag(rows):
    today = timezone.localdate()
    near = UnitValues("near_due_working_days")
    for m in rows:
        m.flag = m.deadline_state(today, near.get(m.unit_id))
    return rows


@login_required
@replica_view
def matter_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    query, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    qs = selectors.matter_search(actor=request.user, query=query, status=status)
    if query and request.GET.get("go") == "1":
        exact = qs.filter(tracking_code=query.upper()).first()
        if exact:
            return redirect("matters:detail", code=exact.tracking_code)
    rows, page_no, has_next = _page(request, qs)
    return render(
        request,
        "matters/list.html",
        {
            "rows": _flag(rows),
            "query": query,
            "status": status,
            "statuses": Status.choices,
            "page_no": page_no,
            "has_next": has_next,
        },
    )


QUEUE_LABELS = {
    "unclaimed": _("待认领"),
    "mine": _("我的在办"),
    "near_due": _("临近到期"),
    "overdue": _("已超期"),
}


@login_required
def queue(request):
    permissions.require(permissions.can_use_matter_queues(request.user))
    name = request.GET.get("q", "unclaimed")
    if name not in selectors.QUEUES:
        raise Http404("unknown queue")
    specialty = request.GET.get("specialty", "")
    if specialty and specialty not in Specialty.values:
        specialty = ""
    rows, page_no, has_next = _page(
        request, selectors.queue(actor=request.user, name=name, specialty=specialty)
    )
    specialties = [(s, Specialty(s).label) for s in permissions.matter_queue_specialties(request.user)]
    return render(
        request,
        "matters/queue.html",
        {
            "rows": _flag(rows),
            "name": name,
            "tabs": [(k, QUEUE_LABELS[k]) for k in selectors.QUEUES],
            "counts": selectors.queue_counts(actor=request.user),
            "specialty": specialty,
            "specialties": specialties,
            "page_no": page_no,
            "has_next": has_next,
            "here": request.get_full_path(),
        },
    )


HEAD_OVERDUE_ROWS = 50


@login_required
@replica_view
def head_dashboard(request):
    permissions.require(permissions.can_view_station_dashboard(request.user))
    unit, today = request.user.unit, timezone.localdate()
    month_start = today.replace(day=1)
    live = selectors.station_live(unit=unit, today=today)
    return render(
        request,
        "matters/head.html",
        {
            "today": today,
            "day_stats": selectors.station_stats(unit=unit, since=today, until=today),
            "month_stats": selectors.station_stats(unit=unit, since=month_start, until=today),
            "live": live,
            # The full count is live.overdue; the list shows the most overdue first, at most this many rows.
            "overdue": _flag(list(selectors.overdue_for_unit(unit=unit, today=today)[:HEAD_OVERDUE_ROWS])),
            "workload": selectors.workload(unit=unit, since=month_start),
        },
    )
