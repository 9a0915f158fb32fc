from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "quanke.reports"
    label = "reports"
