"""The residents' URL space, /m/… (config/urls.py). Public: no login; own templates (templates/public/)."""

from django.urls import include, path

app_name = "public"
urlpatterns = [
    path("book/", include("quanke.public.booking_urls")),
]
