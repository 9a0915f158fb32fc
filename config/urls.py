from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from quanke.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("residents/", include("quanke.registry.urls")),
    path("catalog/", include("quanke.catalog.urls")),
    path("reports/", include("quanke.reports.urls")),
    path("visits/", include("quanke.visits.urls")),
    path("assistance/", include("quanke.assistance.urls")),
    path("matters/", include("quanke.matters.urls")),
    path("intake/", include("quanke.intake.urls")),
    path("casework/", include("quanke.casework.urls")),
    path("network/", include("quanke.network.urls")),
    path("meals/", include("quanke.meals.urls")),
    path("party/", include("quanke.party.urls")),
    path("api/", include("quanke.api.urls")),
    # Residents' pages (no login) and the staff follow-up of their ratings.
    path("m/", include("quanke.public.urls")),
    path("ratings/", include("quanke.public.staff_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("quanke.core.urls")),
]

handler400 = "quanke.core.middleware.bad_request"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
