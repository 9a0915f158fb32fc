from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "quanke.party"
    label = "party"
    verbose_name = _("党务")

    def ready(self):
        from django.urls import reverse

        from quanke.core import hooks, permissions, seams
        from quanke.party import services
        from quanke.party.models import PartyMember

        P = permissions
        # Every entry point that finishes a 转入 / 转出 / 报到 matter writes the register in the same transaction.
        hooks.on_matter_finished(services.register_on_matter_finished)
        seams.nav_entries.register(
            seams.NavEntry("party", _("党员名册"), "party:member_list", P.can_view_party_register, 76)
        )
        seams.resident_sections.register(
            seams.ResidentSection(
                "party",
                "party/_resident_section.html",
                lambda user, r: P.can_manage_party_register(user, r.unit),
                46,
            )
        )
        seams.resident_actions.register(
            seams.ResidentAction(
                "party_register",
                _("登记党员"),
                lambda r: reverse("party:member_new", args=[r.pk]),
                lambda user, r: (
                    P.can_manage_party_register(user, r.unit)
                    and not PartyMember.objects.filter(resident=r).exists()
                ),
                order=46,
            )
        )
        seams.demo_steps.register(seams.DemoStep("party", "quanke.party.demo", 76))
