"""`manage.py run_scheduler`: fires the rows of quanke/core/schedule.py with APScheduler and only enqueues tasks
(worker processes run them). Run one per deployment; a second one by mistake enqueues nothing twice (each slot is
claimed in the database), so a standby may run too. `--once` enqueues what is due now and exits (for a cron or
systemd timer instead of the long-running process)."""

import contextlib
import logging
import signal
import sys
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from quanke.core import schedule

logger = logging.getLogger("quanke.scheduler")


def _fire(name: str) -> None:
    close_old_connections()
    try:
        result = schedule.fire(schedule.entry(name))
        if result is not None:
            logger.info("schedule %s: enqueued task %s", name, result.id)
    except Exception:  # one row's failure must not stop the others' schedule
        logger.exception("schedule %s: could not enqueue", name)
    finally:
        connection.close()


def _reap() -> None:
    from quanke.core import taskqueue

    close_old_connections()
    try:
        taskqueue.reap()
    except Exception:
        logger.exception("reaper failed")
    finally:
        connection.close()


class Command(BaseCommand):
    help = "定时任务调度：按 quanke/core/schedule.py 的时间表把任务放入队列（由 db_worker 执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue what is due now, then exit")

    def handle(self, *args, once=False, **options):
        enqueued = schedule.tick()  # catch up on what came due while no scheduler ran
        for name, task_id in enqueued.items():
            self.stdout.write(f"{name}: enqueued task {task_id}")
        if once:
            return
        scheduler = BlockingScheduler(
            timezone=ZoneInfo(settings.TIME_ZONE),
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for row in schedule.SCHEDULE:
            scheduler.add_job(_fire, row.trigger(), args=[row.name], id=row.name, name=row.task)
        if "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            # Workers reap each other; this covers the hours when every worker is down.
            scheduler.add_job(_reap, "interval", seconds=max(settings.TASKS_LEASE_SECONDS, 10), id="reap")

        def stop(signum, frame):
            scheduler.shutdown(wait=False)
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"调度已启动：{len(schedule.SCHEDULE)} 项定时任务（Ctrl-C 退出）。")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
