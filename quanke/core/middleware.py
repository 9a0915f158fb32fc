"""The staff site's own 404 page, also when DEBUG is on (the demo runs `runserver` with DEBUG=true).

Django answers an Http404 raised by a view with its English technical page whenever DEBUG is on; a worker who
mistypes a tracking code in the demo should read the Chinese page instead, with the view's message when that
message is written for people (a Chinese sentence), never an internal one. Paths that match no URL at all still
get Django's debug page under DEBUG, which helps developers and is what runserver users expect.
"""

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse


def _for_people(message: str) -> bool:
    return bool(message) and not message.isascii()


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404) or not settings.DEBUG:
            return None  # without DEBUG, Django renders templates/404.html itself
        message = str(exception)
        response = TemplateResponse(
            request, "404.html", {"message": message if _for_people(message) else ""}, status=404
        )
        return response.render()
