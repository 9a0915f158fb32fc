from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "quanke.api"
    label = "api"
