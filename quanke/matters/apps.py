from django.apps import AppConfig


class MattersConfig(AppConfig):
    name = "quanke.matters"
    label = "matters"
