"""Staff pages of the residents' side (好差评整改), in the staff URL space."""

from django.urls import path

from quanke.public import views_staff

app_name = "public_staff"

urlpatterns = [
    path("", views_staff.rectification_list, name="rectification_list"),
    path("<int:pk>/", views_staff.rectification_detail, name="rectification_detail"),
]
