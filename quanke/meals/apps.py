from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MealsConfig(AppConfig):
    name = "quanke.meals"
    label = "meals"
    verbose_name = _("老年助餐")

    def ready(self):
        from django.urls import reverse

        from quanke.core import hooks, permissions, seams
        from quanke.meals import selectors, services

        P = permissions
        # Every entry point that finishes an EL-MEAL matter issues the card in the same transaction.
        hooks.on_matter_finished(services.issue_on_matter_finished)
        seams.nav_entries.register(
            seams.NavEntry("meals", _("老年助餐"), "meals:card_list", P.can_view_meal_cards, 75)
        )
        seams.resident_sections.register(
            seams.ResidentSection(
                "meals",
                "meals/_resident_section.html",
                lambda user, r: P.can_view_meal_cards(user) and P.unit_in_scope(user, r.unit),
                45,
            )
        )
        seams.resident_actions.register(
            seams.ResidentAction(
                "meals_issue",
                _("办理助餐卡"),
                lambda r: reverse("meals:card_new", args=[r.pk]),
                # Offered while she holds no card in use (one live card per resident).
                lambda user, r: P.can_manage_meal_cards(user, r.unit) and selectors.live_card(r) is None,
                order=45,
            )
        )
        seams.demo_steps.register(seams.DemoStep("meals", "quanke.meals.demo", 75))
