from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "quanke.visits"
    label = "visits"
