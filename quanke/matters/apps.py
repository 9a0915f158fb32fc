from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MattersConfig(AppConfig):
    name = "quanke.matters"
    label = "matters"

    def ready(self):
        from django.urls import reverse

        from quanke.core import permissions, seams

        P, nav = permissions, seams.nav_entries
        nav.register(seams.NavEntry("matters_desk", _("受理台"), "matters:desk", P.can_take_intake, 30))
        nav.register(seams.NavEntry("matters_list", _("办件"), "matters:list", P.can_view_personal_data, 31))
        nav.register(
            seams.NavEntry("matters_queue", _("后台队列"), "matters:queue", P.can_use_matter_queues, 32)
        )
        nav.register(
            seams.NavEntry("matters_head", _("站长看板"), "matters:head", P.can_view_station_dashboard, 33)
        )
        seams.home_panels.register(
            seams.HomePanel("matters", "matters/home_panel.html", P.can_view_personal_data, 10)
        )
        seams.resident_actions.register(
            seams.ResidentAction(
                "matters_intake",
                _("受理新事项"),
                lambda resident: f"{reverse('matters:desk')}?resident={resident.pk}",
                lambda user, resident: P.can_take_intake(user),
                order=10,
                primary=True,
                accesskey="n",
            )
        )
        seams.resident_sections.register(
            seams.ResidentSection(
                "matters",
                "matters/_resident_section.html",
                lambda user, r: P.can_view_personal_data(user),
                20,
            )
        )
        seams.demo_steps.register(seams.DemoStep("matters", "quanke.matters.demo", 30))
        # After visits (40), assistance (50), casework (60) and network (70) have accepted their own matters, and
        # before reports (80) rolls them up: bring the demo back to the seed's on-the-spot share.
        seams.demo_steps.register(seams.DemoStep("matters_share", "quanke.matters.demo_share", 75))
