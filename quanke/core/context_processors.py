from django.conf import settings

from quanke.core import permissions, seams


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "perm_personal": permissions.can_view_personal_data(user),
        "perm_statistics": permissions.can_view_statistics(user),
        "perm_audit": permissions.can_browse_audit(user),
        "perm_import": permissions.can_import_residents(user),
        # Entries the apps registered (quanke.core.seams), evaluated only when a page draws the nav.
        "nav_entries": lambda: seams.visible_nav(user) if user is not None else [],
        "desk_panels": lambda: seams.visible_desk_panels(user) if user is not None else [],
    }
