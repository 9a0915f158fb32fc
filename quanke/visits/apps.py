from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "quanke.visits"
    label = "visits"

    def ready(self):
        from django.urls import reverse

        from quanke.core import hooks, permissions, seams
        from quanke.visits.services import urgent

        P = permissions
        hooks.on_matter_accepted(urgent.notify_duty_of_urgent)
        seams.nav_entries.register(
            seams.NavEntry("visits", _("上门走访"), "visits:index", P.can_view_personal_data, 70)
        )
        seams.desk_panels.register(
            seams.DeskPanel("visits_on_duty", "visits/_on_duty.html", P.can_view_personal_data)
        )
        seams.home_panels.register(
            seams.HomePanel("visits", "visits/home_panel.html", P.can_use_visit_station, 20)
        )
        seams.resident_actions.register(
            seams.ResidentAction(
                "visits_record",
                _("记录走访"),
                lambda r: f"{reverse('visits:visit_new')}?resident={r.pk}",
                lambda user, r: P.can_record_visit(user, r.unit),
                order=40,
            )
        )
        seams.resident_actions.register(
            seams.ResidentAction(
                "visits_book",
                _("预约上门"),
                lambda r: f"{reverse('visits:booking_new')}?resident={r.pk}&unit={r.unit_id}",
                lambda user, r: P.can_book_visits(user) and P.unit_in_scope(user, r.unit),
                order=41,
            )
        )
        seams.resident_sections.register(
            seams.ResidentSection(
                "visits", "visits/_resident_section.html", lambda user, r: P.can_view_personal_data(user), 40
            )
        )
        seams.demo_steps.register(seams.DemoStep("visits", "quanke.visits.demo", 40))
