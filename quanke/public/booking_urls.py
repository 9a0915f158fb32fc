"""/m/book/… (included from quanke.public.urls, inside the "public" namespace)."""

from django.urls import path

from quanke.public import views_booking

urlpatterns = [
    path("", views_booking.book_start, name="book_start"),
    path("station/<int:unit_id>/", views_booking.book_station, name="book_station"),
    path("verify/<str:token>/", views_booking.book_verify, name="book_verify"),
    path("manage/<str:token>/", views_booking.book_manage, name="book_manage"),
]
