"""Queueing a Celery task without letting a broker that is down break the request.

Every task that matters is for a row that already says what is to be done (an SMS
`queued`, a single logout not yet sent), so a task the broker did not take is not lost:
the row stays as it is and a sweep queues it again once the broker is back (mfa_sms and
cas_server `requeue`, run by beat and at worker start-up). The request itself goes on:
the broker settings give up within about a second (eulogin/settings.py).
"""

import logging

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger("eulogin.queue")

BROKER_ERRORS = (OperationalError, RedisError, OSError)


def task_enqueue(task, *args, **kwargs) -> bool:
    """Send `task` with these arguments to the broker; False, logged, when the broker
    does not take it. In-process (eager) tasks run as usual and raise as usual."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except BROKER_ERRORS as error:
        logger.warning("broker unreachable: %s not queued now, the sweep queues it later (%s: %s)",
                       task.name, type(error).__name__, error)
        return False
    return True
