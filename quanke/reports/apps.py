from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "quanke.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self):
        from quanke.core import hooks, permissions, seams
        from quanke.reports import rollup, tasks  # noqa: F401  (tasks: the failed-export receiver)

        # Roll-ups are a read model of matters: rebuilt after commit for the days a written matter counts in.
        hooks.on_matter_written(rollup.schedule_refresh)

        seams.nav_entries.register(
            seams.NavEntry("reports", _("统计"), "reports:dashboard", permissions.can_view_statistics, 80)
        )
        seams.home_panels.register(
            seams.HomePanel("reports", "reports/home_panel.html", permissions.can_view_statistics, 60)
        )
        seams.demo_steps.register(seams.DemoStep("reports", "quanke.reports.demo", 80))
