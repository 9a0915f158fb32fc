from django.urls import path

from quanke.api.api import api

urlpatterns = [path("", api.urls)]
