"""A request id that follows one sign-in across the web nodes and the Celery workers,
and the JSON log format that carries it.

The id comes from the proxy's X-Request-ID when it is a plain token (nginx sets one per
request), else it is made here; the response echoes it. Tasks queued while a request is
served carry it in their headers, and the worker logs under it while the task runs.

Logs never carry a secret: no password, code, ticket or session key is ever passed to a
logger by eulogin, gunicorn's access log leaves the query string out (gunicorn.conf.py),
and the SecretsFilter below blanks anything that looks like a CAS ticket or a link's token
in what other libraries log (Django logs the path of each 4xx and 5xx), as a second line
of defence.
"""

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

HEADER = "HTTP_X_REQUEST_ID"
TASK_HEADER = "eulogin_request_id"
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_TICKETS = re.compile(r"\b(ST|PT|TGT|PGT|PGTIOU)-[A-Za-z0-9._-]+")
# A link's secret in a logged path (a registration or invitation token, a password-reset
# token, a session key): a segment of 16 or more URL characters with a digit in it. Route
# names are words ("TicketValidationService" stays).
_PATH_SECRETS = re.compile(r"(?<=/)(?=[A-Za-z0-9._:~=-]*[0-9])[A-Za-z0-9._:~=-]{16,}(?=[/?#\s\"']|$)")

request_id = contextvars.ContextVar("request_id", default="")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get(HEADER, "")
        value = given if _VALID.match(given) else uuid.uuid4().hex
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's, with the named fields only: the "extra" a library attaches to a
    record is left out (Celery attaches a task's arguments, and an SMS task's arguments
    hold the code)."""

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        for field in self._required_fields:
            log_data[self._get_rename(field)] = record.__dict__.get(field)
        for key in ("exc_info", "stack_info"):
            if message_dict.get(key):
                log_data[key] = message_dict[key]


class SecretsFilter(logging.Filter):
    """Blanks CAS tickets and the secrets of links (Django logs the path of every 4xx and
    5xx: a registration link's token is in it) in a record's message, arguments included."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        blanked = _PATH_SECRETS.sub("…", _TICKETS.sub(r"\1-…", message))
        if blanked != message:
            record.msg, record.args = blanked, None
        return True


@before_task_publish.connect(dispatch_uid="observability.logs.publish")
def _task_request_id_sent(sender=None, headers=None, **kwargs) -> None:
    value = request_id.get()
    if value and headers is not None:
        headers[TASK_HEADER] = value


_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect(dispatch_uid="observability.logs.prerun")
def _task_request_id_set(task_id=None, task=None, **kwargs) -> None:
    value = None
    if task is not None:
        value = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
    if not (isinstance(value, str) and _VALID.match(value)):
        value = request_id.get()  # an in-process task keeps the id of the request running it
    _task_tokens[task_id] = request_id.set(value)


@task_postrun.connect(dispatch_uid="observability.logs.postrun")
def _task_request_id_clear(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # set in another context (eager task inside a request)
            request_id.set("")
