"""好差评: the applicant rates a finished matter once, from the signed link of the completion notice or from the
progress page after verification. The link itself is the proof; it names no one."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from quanke.core.login_security import client_ip
from quanke.public import links, selectors, services
from quanke.public.forms import RatingForm
from quanke.public.models import RatingChannel
from quanke.public.pages import chinese, private


def _matter(token):
    found = links.read_rating_token(token)
    matter = selectors.matter_for_rating(found[0]) if found else None
    if matter is None or matter.tracking_code != found[1]:
        raise Http404("链接无效或已过期")
    channel = found[2] if found[2] in RatingChannel.values else RatingChannel.LINK
    return matter, channel


@chinese
@private
def rate(request, token):
    matter, channel = _matter(token)
    # The link shows the matter (masked name, item, steps): each showing is one anonymous read row.
    selectors.audit_lookup(
        matter=matter,
        code=matter.tracking_code,
        ip=client_ip(request),
        outcome="rating_link",
        via="public.rate",
    )
    info = selectors.progress(matter)
    context = {"p": info, "token": token}
    if info.rating is not None:
        return render(request, "public/rate_done.html", context)
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid() and form.cleaned_data["token"] == token:
            try:
                services.rating_submit(
                    matter=matter,
                    level=form.cleaned_data["level"],
                    comment=form.cleaned_data["comment"],
                    channel=channel,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(
                    request,
                    "public/rate_done.html",
                    {**context, "p": selectors.progress(matter), "just": True},
                )
        return render(request, "public/rate.html", {**context, "form": form}, status=400)
    if not info.can_rate:
        return render(request, "public/rate_done.html", context)
    return render(request, "public/rate.html", {**context, "form": RatingForm(initial={"token": token})})
