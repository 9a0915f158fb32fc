from django.urls import path

from quanke.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.resident_list, name="resident_list"),
    path("new/", views.resident_create, name="resident_create"),
    path("import/", views.resident_import, name="resident_import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<str:token>/", views.import_batch, name="import_batch"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<str:token>/errors.csv", views.import_errors, name="import_errors"),
    path("<int:pk>/", views.resident_detail, name="resident_detail"),
    path("<int:pk>/edit/", views.resident_edit, name="resident_edit"),
]
