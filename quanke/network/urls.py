from django.urls import path

from quanke.network import views

app_name = "network"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", views.volunteer_create, name="volunteer_create"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("teams/", views.team_list, name="team_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/in/", views.ledger_receive, name="ledger_receive"),
    path("ledger/out/", views.ledger_disburse, name="ledger_disburse"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("photos/<int:pk>/", views.activity_photo, name="activity_photo"),
    path("match/", views.match, name="match"),
]
