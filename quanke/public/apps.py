from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "quanke.public"
    label = "public"
    verbose_name = _("居民服务")

    def ready(self):
        from quanke.core import hooks, permissions, seams
        from quanke.public import links, statistics

        # The matter services put these links into residents' messages (matters cannot import this app).
        hooks.register_public_link("rating", links.rating_url)
        hooks.register_public_link("track", lambda matter: links.track_url(matter.tracking_code))
        hooks.register_public_link("booking", links.booking_url)
        hooks.on_resident_link(links.progress_link)
        statistics.register()

        seams.nav_entries.register(
            seams.NavEntry(
                "ratings",
                _("好差评整改"),
                "public_staff:rectification_list",
                permissions.can_view_rectifications,
                85,
            )
        )
