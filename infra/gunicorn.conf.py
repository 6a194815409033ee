"""Gunicorn's settings for Cairn's web process: the image runs `gunicorn -c infra/gunicorn.conf.py`,
and `./cairn bench -k api` starts the same file, so what is measured is what is shipped.

gthread workers: WEB_CONCURRENCY processes x GUNICORN_THREADS threads, each thread holding at most
one database connection. Connections, not processes, are recycled: CONN_MAX_AGE closes a thread's
connection (and the per-schema catalogue memory PostgreSQL keeps for it) after a few minutes, and
CONN_HEALTH_CHECKS replaces one the server dropped. --max-requests stays only as a guard against a
slow leak in the Python process; at 1,000 it restarted every worker about every 20 s under load
(see infra/README.md, "Connections are recycled on purpose").
"""

import os

wsgi_app = "send_platform.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "5000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A heartbeat file on tmpfs, not the (read-only) disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - gunicorn's own heartbeat files, no data
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
errorlog = "-"
# Gunicorn would otherwise create a management socket under $HOME, which nothing here uses.
control_socket_disable = True
