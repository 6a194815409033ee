"""The Celery app. Tasks carry the schema they were sent from and run in it
(tenant-schemas-celery), so a task started in a school works on that school's data only.

Start a worker with `python -m celery -A send_platform.celery_app worker`.
"""

from __future__ import annotations

import logging
import os

from celery import bootsteps
from celery.signals import setup_logging
from kombu.transport import redis as kombu_redis
from send_platform.log_formatting import configure_worker_logging
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_platform.settings")

logger = logging.getLogger(__name__)

# Delivery tags of the tasks this worker held (running, or waiting for their countdown) when its
# broker connection broke, and could not hand back to the queue then because Redis was away.
_held_back: set[str] = set()


class RedisQoS(kombu_redis.QoS):
    """kombu's Redis QoS, except that a connection lost with tasks in hand no longer stops the worker.

    When Redis goes away, Celery closes the broken connection twice (collect, then close). kombu's
    first close fails part-way, so the second tries to hand the unacknowledged tasks back through a
    connection whose settings are gone: "AttributeError: 'NoneType' object has no attribute
    'hostname'", and the worker exits (kombu 5.7, celery 5.7). Celery has already dropped those tasks
    from memory, so they would otherwise wait in Redis for the whole visibility timeout (hours).
    Here the tags are kept and handed back by `HandBackHeldTasks` as soon as Redis answers again.
    """

    def restore_unacked(self, client=None):
        tags = list(self._delivered)
        try:
            if self.channel.connection.client is None:  # the connection was torn down already
                raise ConnectionError("broker connection closed")
            return super().restore_unacked(client)
        except (ConnectionError, *self.channel.connection_errors):
            if tags:
                _held_back.update(tags)
                self._delivered.clear()
                logger.warning("Redis is unavailable: %d task(s) will go back on the queue on reconnection", len(tags))
            return None


class RedisChannel(kombu_redis.Channel):
    QoS = RedisQoS


class RedisTransport(kombu_redis.Transport):
    """The Redis transport used when CELERY_BROKER_URL is redis:// (settings.CELERY_BROKER_TRANSPORT)."""

    Channel = RedisChannel


def hand_back_held_tasks(connection) -> int:
    """Put the tasks a lost connection could not hand back onto the queue again; how many went back.

    Each goes back at most once: kombu moves a message from the unacknowledged set to the queue in
    one Redis transaction, and a tag already moved (by this or by another worker) is a no-op.
    """
    if not _held_back:
        return 0
    qos = connection.default_channel.qos
    if not isinstance(qos, RedisQoS):
        return 0
    returned = 0
    for tag in sorted(_held_back):
        qos.restore_by_tag(tag, leftmost=True)
        _held_back.discard(tag)
        returned += 1
    logger.warning("Put %d task(s) held when Redis went away back on the queue", returned)
    return returned


class HandBackHeldTasks(bootsteps.StartStopStep):
    """Each time the worker's consumer (re)connects, return the tasks held when the last connection broke."""

    requires = ("celery.worker.consumer.connection:Connection",)

    def start(self, consumer) -> None:
        try:
            hand_back_held_tasks(consumer.connection)
        except consumer.connection.connection_errors as error:
            # Redis went away again: the tags stay held for the next reconnection.
            logger.warning("Could not yet put held tasks back on the queue (%s)", type(error).__name__)


app = CeleryApp("cairn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["consumer"].add(HandBackHeldTasks)

# Workers and beat log through settings.LOGGING (redacted), not Celery's own handlers.
setup_logging.connect(configure_worker_logging, weak=False)
