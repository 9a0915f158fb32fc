from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "quanke.network"
    label = "network"

    def ready(self):
        from quanke.core import permissions, seams

        seams.nav_entries.register(
            seams.NavEntry("network", _("五社联动"), "network:overview", permissions.can_view_network, 60)
        )
        seams.home_panels.register(
            seams.HomePanel("network", "network/home_panel.html", permissions.can_view_network, 50)
        )
        seams.demo_steps.register(seams.DemoStep("network", "quanke.network.demo", 70))
