"""The residents' URL space /m/: no login, its own templates, never a staff view. One line per page; the
booking pages add their own include below."""

from django.urls import include, path

from quanke.public import views_check, views_guide, views_rating, views_track

app_name = "public"

urlpatterns = [
    path("", views_guide.home, name="home"),
    path("guide/", views_guide.guide, name="guide"),
    path("guide/<str:code>/", views_guide.guide_item, name="guide_item"),
    path("guide/<str:code>/notice.pdf", views_guide.guide_notice_pdf, name="guide_notice_pdf"),
    path("track/", views_track.track, name="track"),
    path("rate/<str:token>/", views_rating.rate, name="rate"),
    path("check/", views_check.check, name="check"),
    path("book/", include("quanke.public.booking_urls")),
]
