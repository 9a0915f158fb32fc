from django.urls import path

from quanke.party import views

app_name = "party"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("residents/<int:resident_pk>/member/", views.member_new, name="member_new"),
]
