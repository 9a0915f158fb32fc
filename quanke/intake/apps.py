from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "quanke.intake"
    label = "intake"
