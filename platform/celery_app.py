"""The Celery app. Tasks carry the schema they were sent from and run in it
(tenant-schemas-celery), so a task started in a school works on that school's data only.

Start a worker with `python -m celery -A send_platform.celery_app worker`.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_platform.settings")

app = CeleryApp("cairn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
