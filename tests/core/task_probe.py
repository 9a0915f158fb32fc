"""A task for the real-worker tests: records each execution in a table the test creates, so that the test can
count how many times each task ran and in which process."""

import os
import time

from django.db import connection, transaction
from django_tasks import task

TABLE = "test_task_probe_execution"


@task()
def record_execution(key: str, pause: float = 0.0) -> int:
    time.sleep(pause)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (task_key, pid) VALUES (%s, %s)", [key, os.getpid()])
    return os.getpid()
