from django.urls import path

from quanke.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("<str:code>/", views.item_detail, name="item_detail"),
    path("<str:code>/toggle/", views.item_toggle, name="item_toggle"),
]
