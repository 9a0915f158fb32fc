from django.urls import path

from quanke.meals import views

app_name = "meals"
urlpatterns = [
    path("", views.card_list, name="card_list"),
    path("cards/<int:pk>/", views.card_detail, name="card_detail"),
    path("cards/<int:pk>/edit/", views.card_edit, name="card_edit"),
    path("residents/<int:resident_pk>/card/", views.card_new, name="card_new"),
    path("rates/", views.rate_list, name="rate_list"),
]
