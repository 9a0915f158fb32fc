"""办件进度查询: tracking code + the last four digits of the applicant's phone or ID number. Failures are limited
per IP and per code (quanke.public.throttle); every look-up, found or not, is audited with an anonymous actor."""

from django.shortcuts import render
from django.urls import reverse

from quanke.core.login_security import client_ip
from quanke.public import links, selectors, throttle
from quanke.public.forms import TrackForm
from quanke.public.pages import chinese, private

VIA = "public.track"


@chinese
@private
def track(request):
    if request.method != "POST":
        form = TrackForm(initial={"code": request.GET.get("code", "")[:20]})
        return render(request, "public/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "public/track.html", {"form": form}, status=400)
    code, last4 = form.cleaned_data["code"], form.cleaned_data["last4"]
    ip = client_ip(request) or ""
    verdict = throttle.check(ip=ip, code=code)
    if not verdict.allowed:
        selectors.audit_lookup(matter=None, code=code, ip=ip, outcome="throttled", via=VIA)
        minutes = max(1, (verdict.retry_after_seconds + 59) // 60)
        response = render(
            request,
            "public/track.html",
            {"form": TrackForm(initial={"code": code}), "wait_minutes": minutes},
            status=429,
        )
        response["Retry-After"] = str(verdict.retry_after_seconds)
        return response
    matter = selectors.matter_for_lookup(code, last4)
    if matter is None:
        throttle.record_failure(ip=ip, code=code)
        selectors.audit_lookup(matter=None, code=code, ip=ip, outcome="not_found", via=VIA)
        return render(
            request,
            "public/track.html",
            {"form": TrackForm(initial={"code": code}), "not_found": True},
            status=404,
        )
    selectors.audit_lookup(matter=matter, code=code, ip=ip, outcome="found", via=VIA)
    info = selectors.progress(matter)
    # Verified just now: the rating form opens from here without a second look-up.
    rate_link = (
        reverse("public:rate", args=[links.rating_token(matter, channel="progress")]) if info.can_rate else ""
    )
    return render(request, "public/progress.html", {"p": info, "rate_link": rate_link})
