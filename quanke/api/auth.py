from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from quanke.api.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(key_hash=ApiToken.hash_key(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


# Bearer token for other systems; the staff session (with CSRF) for the UI's own scripts.
AUTH = [TokenAuth(), django_auth]
