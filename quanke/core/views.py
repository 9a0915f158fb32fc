from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from quanke.core import audit, permissions, seams
from quanke.core.models import AuditEvent


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": seams.visible_home_panels(request.user)})


@login_required
def audit_list(request):
    permissions.require(permissions.can_browse_audit(request.user))
    scope = permissions.subtree(request.user.unit) | Q(unit__isnull=True)
    qs = AuditEvent.objects.select_related("unit").filter(scope)
    filters = {k: request.GET.get(k, "").strip() for k in ("action", "object_type", "actor")}
    if filters["action"]:
        qs = qs.filter(action=filters["action"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    if filters["actor"]:
        qs = qs.filter(actor_username=filters["actor"])  # the snapshot: a deleted user's rows too
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for event in page:  # Chinese names of the model and its fields, a readable list of changes
        event.type_label = audit.object_type_label(event.object_type)
        event.change_rows = audit.readable_changes(event)
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "filters": filters, "actions": AuditEvent.Action.choices},
    )
