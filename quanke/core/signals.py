"""Cache invalidation only: the working-day calendar is cached per process."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quanke.core import workdays
from quanke.core.models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_changed(**kwargs):
    workdays.invalidate()
