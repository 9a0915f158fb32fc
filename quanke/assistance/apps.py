from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "quanke.assistance"
    label = "assistance"

    def ready(self):
        from quanke.assistance import selectors, services
        from quanke.assistance.models import PROCEDURE_ITEMS
        from quanke.core import hooks

        # Every entry point accepts assistance applications into their legal procedure, which alone decides them.
        for code in PROCEDURE_ITEMS:
            hooks.register_intake(code, services.procedure_intake)
        hooks.on_decision(services.decision_refusal)
        hooks.on_related(selectors.matter_links)
