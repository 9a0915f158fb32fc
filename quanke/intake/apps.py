from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "quanke.intake"
    label = "intake"
    verbose_name = "事项助手"

    def ready(self):
        from quanke.intake import signals  # noqa: F401
