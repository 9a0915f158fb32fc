from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "quanke.intake"
    label = "intake"
    verbose_name = "事项助手"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from quanke.core import permissions, seams
        from quanke.intake import signals  # noqa: F401

        seams.nav_entries.register(
            seams.NavEntry("intake", _("事项助手"), "intake:assistant", permissions.can_use_knowledge, 40)
        )
        seams.demo_steps.register(seams.DemoStep("intake", "quanke.intake.demo", 20))
