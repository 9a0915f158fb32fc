from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "quanke.casework"
    label = "casework"

    def ready(self):
        from django.urls import reverse

        from quanke.core import permissions, seams

        P = permissions
        seams.nav_entries.register(
            seams.NavEntry("casework", _("个案"), "casework:case_list", P.can_list_cases, 50)
        )
        seams.home_panels.register(
            seams.HomePanel("casework", "casework/home_panel.html", P.is_case_worker, 40)
        )
        seams.resident_actions.register(
            seams.ResidentAction(
                "casework_open",
                _("开个案"),
                lambda r: reverse("casework:case_open", args=[r.pk]),
                P.can_open_case,
                order=30,
            )
        )
        seams.resident_sections.register(
            seams.ResidentSection(
                "casework", "casework/_resident_section.html", lambda user, r: P.can_list_cases(user), 30
            )
        )
        seams.demo_steps.register(seams.DemoStep("casework", "quanke.casework.demo", 60))
