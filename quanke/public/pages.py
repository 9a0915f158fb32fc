"""What every residents' page shares: Chinese only, and the caching a page allows."""

from functools import wraps

from django.utils import translation
from django.utils.cache import patch_cache_control

# Guide pages change when the catalog does; a few minutes of staleness in a phone's or a proxy's cache is fine.
GUIDE_MAX_AGE = 300


def chinese(view):
    """Residents' pages are in Simplified Chinese whatever the browser asks for."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override("zh-hans"):
            request.LANGUAGE_CODE = "zh-hans"
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            return response

    return wrapped


def cacheable(view):
    """A public page that shows no one's data: shared caches may keep it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=GUIDE_MAX_AGE)
        return response

    return wrapped


def private(view):
    """A page with a form (CSRF token) or a matter's progress: never stored by any cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    return wrapped
