"""助餐 pages: the card list, a card with its meals, issuing and changing a card, and the subsidy rates. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.core.forms import errors_to_form
from quanke.meals import forms, selectors, services
from quanke.meals.models import CardStatus, MealCategory
from quanke.registry import selectors as registry_selectors


def _require_view(request):
    permissions.require(permissions.can_view_meal_cards(request.user))


@login_required
def card_list(request):
    _require_view(request)
    qs = selectors.cards_for(actor=request.user)
    status, category, query = (request.GET.get(k, "").strip() for k in ("status", "category", "q"))
    if status in CardStatus.values:
        qs = qs.filter(status=status)
    if category in MealCategory.values:
        qs = qs.filter(category=category)
    if query:
        qs = qs.filter(resident__name__contains=query) | qs.filter(number=query)
    page = Paginator(qs.order_by("unit__path", "number", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "meals/card_list.html",
        {
            "page": page,
            "status": status,
            "category": category,
            "query": query,
            "statuses": CardStatus.choices,
            "categories": MealCategory.choices,
        },
    )


@login_required
def card_new(request, resident_pk):
    _require_view(request)
    actor = request.user
    resident = registry_selectors.resident_get_for(actor=actor, pk=resident_pk)
    permissions.require(permissions.can_manage_meal_cards(actor, resident.unit))
    form = forms.CardIssueForm(
        request.POST or None, initial={"category": services.default_category(resident)}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            card = services.meal_card_issue(actor=actor, resident=resident, **d)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("已为 %(n)s 办理助餐卡 %(c)s。") % {"n": resident.name, "c": card.number}
            )
            return redirect("meals:card_detail", pk=card.pk)
    return render(
        request,
        "meals/form.html",
        {"form": form, "title": _("办理助餐卡：%(n)s") % {"n": resident.name}, "resident": resident},
    )


@login_required
def card_detail(request, pk):
    _require_view(request)
    actor = request.user
    card = selectors.card_get_for(actor=actor, pk=pk, via="web")
    may_manage = permissions.can_manage_meal_cards(actor, card.unit)
    which = request.POST.get("form") if request.method == "POST" else None
    record_form = forms.MealRecordForm(request.POST if which == "record" else None)
    status_form = forms.CardStatusForm(request.POST if which == "status" else None)
    if which:
        permissions.require(may_manage)
        form = record_form if which == "record" else status_form
        if form.is_valid():
            d = form.cleaned_data
            try:
                if which == "record":
                    r = services.meal_record_add(actor=actor, card=card, **d)
                    messages.success(request, _("已登记就餐，补贴 %(s)s 元。") % {"s": r.subsidy})
                else:
                    services.meal_card_set_status(
                        actor=actor, card=card, status=d["status"], reason=d["reason"]
                    )
                    messages.success(request, _("已更新助餐卡状态。"))
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return redirect("meals:card_detail", pk=card.pk)
    return render(
        request,
        "meals/card_detail.html",
        {
            "card": card,
            "records": selectors.records_of(card)[:100],
            "rate": selectors.rate_on(unit=card.unit, category=card.category, on=timezone.localdate()),
            "may_manage": may_manage,
            "record_form": record_form,
            "status_form": status_form,
        },
    )


@login_required
def card_edit(request, pk):
    _require_view(request)
    actor = request.user
    card = selectors.card_get_for(actor=actor, pk=pk, via="meals.edit")
    permissions.require(permissions.can_manage_meal_cards(actor, card.unit))
    form = forms.CardForm(
        request.POST or None,
        initial={
            "category": card.category,
            "canteen": card.canteen,
            "home_delivery": card.home_delivery,
            "note": card.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meal_card_update(actor=actor, card=card, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("meals:card_detail", pk=card.pk)
    return render(
        request, "meals/form.html", {"form": form, "title": _("修改助餐卡 %(c)s") % {"c": card.number}}
    )


@login_required
def rate_list(request):
    _require_view(request)
    actor = request.user
    units = permissions.units_for(actor)
    may_set = any(permissions.can_set_meal_rates(actor, u) for u in units[:1])
    form = forms.RateForm(request.POST or None, units=units)
    if request.method == "POST":
        permissions.require(may_set)
        if form.is_valid():
            try:
                services.meal_rate_set(actor=actor, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已添加补贴标准。"))
                return redirect("meals:rate_list")
    return render(
        request,
        "meals/rate_list.html",
        {"rates": selectors.rates_for(actor=actor), "form": form, "may_set": may_set},
    )
