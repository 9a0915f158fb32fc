from django.urls import path

from quanke.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/decide/", views.finding_decide, name="finding_decide"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:household_pk>/", views.review_record, name="review_record"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/<int:resident_pk>/", views.application_new, name="application_new"),
    path("applications/publicity/", views.publicity_sheet, name="publicity_sheet"),
    path("applications/<int:pk>/publicity/", views.publicity_sheet, name="application_publicity"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/notice/", views.application_notice, name="application_notice"),
    path("applications/<int:pk>/<str:action>/", views.application_step, name="application_step"),
]
