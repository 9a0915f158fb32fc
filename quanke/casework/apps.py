from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "quanke.casework"
    label = "casework"
