from django.urls import path

from quanke.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.index, name="index"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/new/", views.booking_new, name="booking_new"),
    path("bookings/slots/", views.booking_slots, name="booking_slots"),
    path("bookings/residents/", views.booking_residents, name="booking_residents"),
    path("bookings/resident-address/", views.booking_resident_address, name="booking_resident_address"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/reassign/", views.booking_reassign, name="booking_reassign"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/no-show/", views.booking_no_show, name="booking_no_show"),
    path("duty/", views.duty_week, name="duty_week"),
    path("duty/fill/", views.duty_fill, name="duty_fill"),
    path("duty/<int:pk>/remove/", views.duty_remove, name="duty_remove"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/route/", views.plan_route, name="plan_route"),
    path("plans/<int:pk>/adjust/", views.plan_adjust, name="plan_adjust"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("records/", views.visit_list, name="visit_list"),
    path("records/new/", views.visit_new, name="visit_new"),
    path("records/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("records/needs/<int:pk>/resolve/", views.visit_need_resolve, name="visit_need_resolve"),
    path("stats/", views.visit_stats, name="stats"),
    path("stock/", views.stock, name="stock"),
    path("stock/ledger/", views.stock_ledger, name="stock_ledger"),
]
