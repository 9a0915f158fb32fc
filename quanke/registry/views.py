"""Resident registry pages: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from quanke.core import permissions, seams
from quanke.core.concurrency import StaleVersion
from quanke.core.forms import errors_to_form
from quanke.core.models import UnitLevel
from quanke.registry import imports, selectors, services
from quanke.registry.forms import HouseholdChoiceForm, ImportForm, ResidentForm
from quanke.registry.models import Household

PAGE_SIZE = 30


def _community_units(actor):
    return permissions.units_for(actor).filter(level=UnitLevel.COMMUNITY)


@login_required
def resident_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    query, tag = request.GET.get("q", "").strip(), request.GET.get("tag", "")
    qs = selectors.resident_search(actor=request.user, query=query, tag=tag).order_by(
        "unit__path", "household__number", "id"
    )
    # No COUNT(*) over the whole table: fetch one extra row to know whether there is a next page.
    raw_page = request.GET.get("page", "1")
    page_no = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    rows = list(qs[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE + 1])
    has_next, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    if len(rows) == 1 and query and page_no == 1 and not has_next and request.GET.get("go") == "1":
        return redirect("registry:resident_detail", pk=rows[0].pk)
    return render(
        request,
        "registry/resident_list.html",
        {
            "rows": rows,
            "query": query,
            "tag": tag,
            "tags": selectors.tag_choices_for(actor=request.user),
            "page_no": page_no,
            "has_next": has_next,
        },
    )


@login_required
def resident_detail(request, pk):
    permissions.require(permissions.can_view_personal_data(request.user))
    resident = selectors.resident_get_for(actor=request.user, pk=pk, via="web")
    tags = selectors.visible_tags(actor=request.user, resident=resident)
    return render(
        request,
        "registry/resident_detail.html",
        {
            "resident": resident,
            "tags": tags,
            "can_edit": permissions.can_edit_residents(request.user),
            "household_members": resident.household.members.all(),
            # Buttons and cards the apps above registered (quanke.core.seams), those this user may use.
            "page": seams.resident_page(request.user, resident),
        },
    )


@login_required
def resident_create(request):
    permissions.require(permissions.can_edit_residents(request.user))
    units = _community_units(request.user)
    tag_choices = selectors.tag_choices_for(actor=request.user)
    hform = HouseholdChoiceForm(request.POST or None, units=units, prefix="h")
    form = ResidentForm(request.POST or None, tag_choices=tag_choices)
    if request.method == "POST" and hform.is_valid() and form.is_valid():
        h = hform.cleaned_data
        try:
            with transaction.atomic():
                household = Household.objects.filter(
                    unit=h["unit"], number=h["household_number"].strip()
                ).first()
                if household is None:
                    if not h["address"]:
                        raise ValidationError({"address": _("新建家庭户时须填写住址。")})
                    household = services.household_create(
                        actor=request.user,
                        unit=h["unit"],
                        number=h["household_number"],
                        address=h["address"],
                        building=h["building"],
                        hukou_kind=h["hukou_kind"],
                        hukou_type=h["hukou_type"],
                    )
                resident = services.resident_create(
                    actor=request.user,
                    household=household,
                    tags=form.selected_tags(),
                    **form.service_fields(),
                )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = hform if field in hform.fields else form
                target.add_error(field if field in target.fields else None, errors)
        else:
            messages.success(request, _("已登记居民 %(name)s。") % {"name": resident.name})
            return redirect("registry:resident_detail", pk=resident.pk)
    return render(request, "registry/resident_form.html", {"form": form, "hform": hform, "creating": True})


@login_required
def resident_edit(request, pk):
    permissions.require(permissions.can_edit_residents(request.user))
    resident = selectors.resident_get_for(actor=request.user, pk=pk, via="registry.resident_edit")
    tag_choices = selectors.tag_choices_for(actor=request.user)
    form = ResidentForm(request.POST or None, instance=resident, tag_choices=tag_choices)
    conflict = None
    if request.method == "POST" and form.is_valid():
        # The ModelForm has already written cleaned values onto the instance; reload so the service diffs properly.
        fresh = selectors.resident_get_for(actor=request.user, pk=pk)
        try:
            services.resident_update(
                actor=request.user,
                resident=fresh,
                tags=form.selected_tags(),
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except StaleVersion as exc:
            # Nothing was saved: show what the other save changed and let this worker redo hers knowingly
            # (the form now carries the current version, so saving again applies her values over theirs).
            form.add_error(None, exc.message)
            conflict = exc.changes
            form.data = form.data.copy()
            form.data["version"] = exc.current.version
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:resident_detail", pk=pk)
    return render(
        request,
        "registry/resident_form.html",
        {"form": form, "resident": resident, "creating": False, "conflict": conflict},
    )


@login_required
def resident_import(request):
    permissions.require(permissions.can_import_residents(request.user))
    form = ImportForm(request.POST or None, request.FILES or None, units=_community_units(request.user))
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = imports.residents_import(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                filename=upload.name,
                content=upload.read(),
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if result.ok:
                messages.success(
                    request,
                    _("导入完成：新增 %(c)d 人，更新 %(u)d 人，未变化 %(n)d 人，新建家庭户 %(h)d 户。")
                    % {
                        "c": result.created,
                        "u": result.updated,
                        "n": result.unchanged,
                        "h": result.households_created,
                    },
                )
            else:
                messages.error(
                    request,
                    _("文件中有 %(n)d 处错误，未导入任何数据。请修改后重新导入。")
                    % {"n": len(result.errors)},
                )
    return render(
        request, "registry/resident_import.html", {"form": form, "result": result, "columns": imports.COLUMNS}
    )


@login_required
def import_template(request):
    permissions.require(permissions.can_import_residents(request.user))
    response = HttpResponse(
        imports.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''resident_import_template.xlsx"
    return response
