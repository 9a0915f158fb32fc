from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "quanke.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from quanke.matters.models import Matter
        from quanke.reports import rollup

        # Keeps the roll-ups fresh after every matter write (see quanke.reports.rollup for why a receiver).
        def _matter_changed(sender, instance, raw=False, **kwargs):
            if not raw and instance.unit_id and instance.accepted_at:
                rollup.schedule_refresh(instance)

        post_save.connect(_matter_changed, sender=Matter, dispatch_uid="reports_matter_saved")
        post_delete.connect(_matter_changed, sender=Matter, dispatch_uid="reports_matter_deleted")
