from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "quanke.public"
    label = "public"
