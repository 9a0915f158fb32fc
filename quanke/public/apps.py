from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "quanke.public"
    label = "public"

    def ready(self):
        from quanke.core import hooks
        from quanke.public import links

        # The matter services put these links into residents' messages (matters cannot import this app).
        hooks.register_public_link("rating", links.rating_url)
        hooks.register_public_link("track", lambda matter: links.track_url(matter.tracking_code))
        hooks.register_public_link("booking", links.booking_url)
