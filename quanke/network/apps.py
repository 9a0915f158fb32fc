from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "quanke.network"
    label = "network"
