from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "quanke.assistance"
    label = "assistance"
