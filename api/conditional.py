"""ETag and If-Match: two administrators cannot overwrite each other's change.

A resource's ETag is a digest of its representation. Updates (PUT, PATCH) of provisioned
resources require If-Match: without it 428, with a stale value 412.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

from .errors import PreconditionFailed, PreconditionRequired


def etag_of(data) -> str:
    payload = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def precondition_check(request, current_etag: str, *, required: bool = True) -> None:
    header = request.headers.get("If-Match", "")
    if not header.strip():
        if required:
            raise PreconditionRequired
        return
    tags = _tags(header)
    if "*" not in tags and current_etag not in tags:
        raise PreconditionFailed


class ETagMixin:
    """For generic views: GET answers with the ETag; PUT and PATCH need a matching
    If-Match (`etag_required`); every answer carrying the resource carries its new ETag."""

    etag_required = True

    def etag_for(self, instance) -> str:
        return etag_of(self.get_serializer(instance).data)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_of(response.data)
        return response

    def update(self, request, *args, **kwargs):
        precondition_check(request, self.etag_for(self.get_object()), required=self.etag_required)
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_of(response.data)
        return response

    def with_etag(self, response):
        response["ETag"] = etag_of(response.data)
        return response
