from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "quanke.assistance"
    label = "assistance"

    def ready(self):
        from quanke.assistance import selectors, services
        from quanke.assistance.models import PROGRAM_ITEMS
        from quanke.core import hooks

        # The desk accepts assistance applications into their legal procedure, which alone decides them.
        for code in PROGRAM_ITEMS.values():
            hooks.register_intake(code, services.procedure_intake)
        hooks.on_decision(services.decision_refusal)
        hooks.on_related(selectors.matter_links)
