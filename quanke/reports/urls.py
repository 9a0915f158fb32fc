from django.urls import path

from quanke.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitions/", views.definitions, name="definitions"),
    path("unit/<str:code>/", views.dashboard, name="dashboard_unit"),
    path("unit/<str:code>/indicators.csv", views.indicator_csv, name="indicator_csv"),
    path("unit/<str:code>/export/", views.export_create, name="export_create"),
    path("unit/<str:code>/matters/", views.matter_list, name="matter_list"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
