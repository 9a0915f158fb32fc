"""Staff pages for 好差评整改: the station head sees the bad ratings of her station, records the 回访 and closes
the 整改 with a result the resident reads on the progress page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from quanke.core import permissions
from quanke.public import selectors, services
from quanke.public.models import RectificationStatus
from quanke.registry.idnumber import mask_name


@login_required
def rectification_list(request):
    permissions.require(permissions.can_view_rectifications(request.user))
    status = request.GET.get("status", RectificationStatus.OPEN)
    qs = selectors.rectifications_for(actor=request.user)
    if status in RectificationStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs[:200])
    for r in rows:
        r.name = mask_name(r.rating.matter.applicant)
    return render(request, "public/staff/rectification_list.html", {"rows": rows, "status": status})


@login_required
def rectification_detail(request, pk):
    permissions.require(permissions.can_view_rectifications(request.user))
    rect = selectors.rectifications_for(actor=request.user).filter(pk=pk).first()
    if rect is None:
        raise Http404(_("没有这条整改记录"))
    if request.method == "POST":
        try:
            if request.POST.get("do") == "callback":
                services.callback_record(
                    actor=request.user,
                    rectification=rect,
                    reached=request.POST.get("reached") == "1",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("回访已记录。"))
            elif request.POST.get("do") == "close":
                services.rectification_close(
                    actor=request.user, rectification=rect, result=request.POST.get("result", "")
                )
                messages.success(request, _("整改已办结，居民查询进度时可看到整改结果。"))
            return redirect("public_staff:rectification_detail", pk=rect.pk)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return render(
        request,
        "public/staff/rectification_detail.html",
        {
            "r": rect,
            "name": mask_name(rect.rating.matter.applicant),
            "callbacks": rect.callbacks.select_related("by"),
            "can_handle": permissions.can_handle_rectification(request.user, rect),
        },
    )
