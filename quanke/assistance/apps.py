from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "quanke.assistance"
    label = "assistance"

    def ready(self):
        from django.urls import reverse

        from quanke.assistance import selectors, services
        from quanke.assistance.models import PROCEDURE_ITEMS
        from quanke.core import hooks, permissions, seams

        # Every entry point accepts assistance applications into their legal procedure, which alone decides them.
        for code in PROCEDURE_ITEMS:
            hooks.register_intake(code, services.procedure_intake)
        hooks.on_decision(services.decision_refusal)
        hooks.on_related(selectors.matter_links)

        P = permissions
        seams.nav_entries.register(
            seams.NavEntry(
                "assistance", _("社会救助"), "assistance:finding_list", P.can_review_assistance, 20
            )
        )
        seams.home_panels.register(
            seams.HomePanel("assistance", "assistance/home_panel.html", P.can_review_assistance, 30)
        )
        seams.desk_panels.register(
            seams.DeskPanel("assistance_stale", "assistance/desk_panel.html", P.can_view_personal_data, 50)
        )
        seams.resident_actions.register(
            seams.ResidentAction(
                "assistance_apply",
                _("受理救助申请"),
                lambda r: reverse("assistance:application_new", args=[r.pk]),
                lambda user, r: P.can_take_intake(user) and P.unit_in_scope(user, r.unit),
                order=20,
            )
        )
        seams.resident_sections.register(
            seams.ResidentSection(
                "assistance",
                "assistance/_assessment.html",
                lambda user, r: P.can_view_personal_data(user) and P.unit_in_scope(user, r.unit),
                10,
            )
        )
        seams.demo_steps.register(seams.DemoStep("assistance", "quanke.assistance.demo", 50))
