from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from quanke.api.models import ApiToken
from quanke.core.dbrouter import PRIMARY


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash=ApiToken.hash_key(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        # Bookkeeping no read depends on: written on the primary past the router, so that it does not pin the
        # request's reads to the primary (the API's list and report endpoints may read the replica, docs/REPLICA.md).
        ApiToken.objects.using(PRIMARY).filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


# Bearer token for other systems; the staff session (with CSRF) for the UI's own scripts.
AUTH = [TokenAuth(), django_auth]
