"""The Celery app. Tasks carry the schema they were sent from and run in it
(tenant-schemas-celery), so a task started in a school works on that school's data only.

Start a worker with `python -m celery -A send_platform.celery_app worker`.
"""

import os

from celery.signals import setup_logging
from send_platform.log_formatting import configure_worker_logging
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_platform.settings")

app = CeleryApp("cairn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Workers and beat log through settings.LOGGING (redacted), not Celery's own handlers.
setup_logging.connect(configure_worker_logging, weak=False)
