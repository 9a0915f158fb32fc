"""Resident registry pages: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from quanke.core import permissions, seams
from quanke.core.concurrency import StaleVersion
from quanke.core.dbrouter import replica_view
from quanke.core.forms import errors_to_form
from quanke.core.models import UnitLevel
from quanke.registry import idnumber, imports, selectors, services
from quanke.registry.forms import HouseholdChoiceForm, ImportForm, ResidentForm
from quanke.registry.models import Household, ImportBatch

PAGE_SIZE = 30


def _community_units(actor):
    return permissions.units_for(actor).filter(level=UnitLevel.COMMUNITY)


@login_required
@replica_view
def resident_list(request):
    permissions.require(permissions.can_view_personal_data(request.user))
    query, tag = request.GET.get("q", "").strip(), request.GET.get("tag", "")
    raw_page = request.GET.get("page", "1")
    page_no = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    context = {
        "query": query,
        "tag": tag,
        "tags": selectors.tags_for(actor=request.user),
        "page_no": page_no,
        "rows": [],
        "has_next": False,
    }
    try:
        rows, has_next = selectors.resident_page(
            actor=request.user,
            query=query,
            tag=tag,
            via="web",
            order=("unit__path", "household__number", "id"),
            offset=(page_no - 1) * PAGE_SIZE,
            size=PAGE_SIZE,
        )
    except selectors.UnknownTag as refused:
        # Not a tag this user may use (or none at all): say so and list nobody.
        context["tag_error"] = refused.message_dict["tag"][0]
        return render(request, "registry/resident_list.html", context, status=400)
    if len(rows) == 1 and query and page_no == 1 and not has_next and request.GET.get("go") == "1":
        return redirect("registry:resident_detail", pk=rows[0].pk)
    context.update(rows=rows, has_next=has_next)
    return render(request, "registry/resident_list.html", context)


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
            "moves": resident.moves.select_related("from_unit", "to_unit"),
            # Buttons and cards the apps above registered (quanke.core.seams), those this user may use.
            "page": seams.resident_page(request.user, resident),
        },
    )


@login_required
def resident_create(request):
    permissions.require(permissions.can_edit_residents(request.user))
    units = _community_units(request.user)
    tag_choices = selectors.tags_for(actor=request.user)
    hform = HouseholdChoiceForm(request.POST or None, units=units, prefix="h")
    form = ResidentForm(request.POST or None, tag_choices=tag_choices)
    move_offer = None
    if request.method == "POST" and hform.is_valid() and form.is_valid():
        h = hform.cleaned_data
        # The same person registered in another community is moved (same record, with history), never doubled.
        existing = services.find_by_id_number(form.cleaned_data["id_number"])
        if existing is not None and existing.unit_id != h["unit"].pk:
            if not permissions.can_move_resident(request.user, existing, h["unit"]):
                form.add_error(
                    "id_number",
                    _(
                        "该身份证号已在其他社区登记，不能重复登记。如居民已搬到本社区，请由站长或后台人员办理迁入。"
                    ),
                )
            elif request.POST.get("move_in") != existing.id_number:
                move_offer = {
                    "id_number": existing.id_number,
                    "name": idnumber.mask_name(existing.name),
                    "from_unit": existing.unit.name,
                }
                form.add_error(
                    "id_number",
                    _(
                        "该身份证号已在%(u)s登记（%(n)s），同一个人不能重复登记。如已搬到本社区，请勾选“迁入”后再保存。"
                    )
                    % {"u": existing.unit.name, "n": move_offer["name"]},
                )
            else:
                try:
                    with transaction.atomic():
                        household = _household_for(request.user, h)
                        services.resident_move(
                            actor=request.user, resident=existing, household=household, via="web"
                        )
                except ValidationError as exc:
                    errors_to_form(hform, exc)
                else:
                    messages.success(
                        request,
                        _("已将 %(name)s 从%(u)s迁入（同一条记录，原有信息保留，请核对并修改）。")
                        % {"name": existing.name, "u": existing.unit.name},
                    )
                    return redirect("registry:resident_detail", pk=existing.pk)
        else:
            try:
                with transaction.atomic():
                    household = _household_for(request.user, h)
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
    return render(
        request,
        "registry/resident_form.html",
        {"form": form, "hform": hform, "creating": True, "move_offer": move_offer},
    )


def _household_for(actor, h) -> Household:
    """The household numbered in the chosen community, created (with its address) if new."""
    household = Household.objects.filter(unit=h["unit"], number=h["household_number"].strip()).first()
    if household is None:
        if not h["address"]:
            raise ValidationError({"address": _("新建家庭户时须填写住址。")})
        household = services.household_create(
            actor=actor,
            unit=h["unit"],
            number=h["household_number"],
            address=h["address"],
            building=h["building"],
            hukou_kind=h["hukou_kind"],
            hukou_type=h["hukou_type"],
        )
    return household


@login_required
def resident_edit(request, pk):
    permissions.require(permissions.can_edit_residents(request.user))
    resident = selectors.resident_get_for(actor=request.user, pk=pk, via="registry.resident_edit")
    tag_choices = selectors.tags_for(actor=request.user)
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


class _ImportSizeLimit(FileUploadHandler):
    """Stops reading an upload past the import size limit, before it is written anywhere in full."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit, self.too_large = limit, False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt
def resident_import(request):
    # The size limit must be installed before anything reads the body, so CSRF is checked just after.
    limiter = _ImportSizeLimit(request, imports.max_bytes())
    request.upload_handlers.insert(0, limiter)
    return _resident_import(request, limiter)


@csrf_protect
@login_required
def _resident_import(request, limiter):
    permissions.require(permissions.can_import_residents(request.user))
    form = ImportForm(request.POST or None, request.FILES or None, units=_community_units(request.user))
    if request.method == "POST":
        if limiter.too_large:
            form.is_valid()
            form.errors["file"] = form.error_class(
                [_("文件不能超过 %(n)s MB。") % {"n": f"{imports.max_bytes() / 1024 / 1024:g}"}]
            )
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = imports.residents_preview(
                    actor=request.user, unit=form.cleaned_data["unit"], filename=upload.name, fileobj=upload
                )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                return redirect("registry:import_batch", token=result.batch.token)
    return render(
        request,
        "registry/resident_import.html",
        {"form": form, "columns": imports.COLUMNS, "rules": imports.import_rules(), "clear": imports.CLEAR},
    )


IMPORT_PAGE_SIZE = 50


def _batch_or_404(request, token) -> ImportBatch:
    """The uploader's own batch behind `token` (another user's, or an expired one, is not found)."""
    batch = imports.batch_for(actor=request.user, token=token)
    if batch is None:
        raise Http404(_("没有这个导入，或已过期，请重新上传。"))
    return batch


def _page(request, items: list):
    raw = request.GET.get("page", "1")
    total_pages = max(1, -(-len(items) // IMPORT_PAGE_SIZE))
    page_no = min(int(raw), total_pages) if raw.isdigit() and int(raw) > 0 else 1
    return items[(page_no - 1) * IMPORT_PAGE_SIZE : page_no * IMPORT_PAGE_SIZE], page_no, total_pages


@login_required
def import_batch(request, token):
    """The preview (or the error report) of an upload, 50 lines a page; while a worker imports it, its state, which
    the page polls (htmx) until the import has finished, then reloads. Read on the primary: the state is fresh."""
    permissions.require(permissions.can_import_residents(request.user))
    batch = _batch_or_404(request, token)
    working = batch.status in imports.WORKING
    if request.headers.get("HX-Request"):
        if working:
            return render(request, "registry/_import_status.html", {"batch": batch, "working": True})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # finished: the whole page changes (result, or the new preview)
        return response
    show = request.GET.get("show", "")
    if batch.status == ImportBatch.Status.INVALID:
        items = batch.errors
    else:
        items = [e for e in batch.plan if not show or e["action"] == show]
    rows, page_no, total_pages = _page(request, items)
    return render(
        request,
        "registry/import_batch.html",
        {
            "batch": batch,
            "working": working,
            "rows": rows,
            "show": show,
            "page_no": page_no,
            "total_pages": total_pages,
            "error_count": len(batch.errors),
            "rules": imports.import_rules(),
        },
    )


@login_required
def import_confirm(request, token):
    """Queue the confirmed preview for a worker and show its state; a second submission queues nothing more."""
    permissions.require(permissions.can_import_residents(request.user))
    if request.method != "POST":
        return redirect("registry:import_batch", token=token)
    batch = _batch_or_404(request, token)
    if batch.status == ImportBatch.Status.PREVIEW and request.POST.get("fingerprint") != batch.fingerprint:
        messages.error(request, _("预览已更新，请核对后再确认。"))
        return redirect("registry:import_batch", token=token)
    imports.residents_confirm(actor=request.user, batch=batch)
    return redirect("registry:import_batch", token=token)


@login_required
def import_errors(request, token):
    """The whole error report as a CSV file (opens in Excel)."""
    permissions.require(permissions.can_import_residents(request.user))
    batch = _batch_or_404(request, token)
    response = HttpResponse(imports.errors_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''import_errors.csv"
    return response


@login_required
def import_template(request):
    permissions.require(permissions.can_import_residents(request.user))
    response = HttpResponse(
        imports.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''resident_import_template.xlsx"
    return response
