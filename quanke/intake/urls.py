from django.urls import path

from quanke.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.assistant, name="assistant"),
    path("suggest/", views.suggest, name="suggest"),
    path("item/<str:code>/", views.item_panel, name="item_panel"),
    path("search/", views.search, name="search"),
]
