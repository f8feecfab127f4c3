"""What every view of the API shares: JSON in and out, and no text the database cannot
hold (NUL, lone surrogates) reaching it from the body or the query string."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from .throttling import ApiRateThrottle

BAD_TEXT = _("Text may not contain NUL characters or lone surrogates.")


def _text_ok(value: str) -> bool:
    return "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _all_text_ok(value) -> bool:
    if isinstance(value, str):
        return _text_ok(value)
    if isinstance(value, dict):
        return all(_all_text_ok(k) and _all_text_ok(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_all_text_ok(v) for v in value)
    return True


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not _all_text_ok(data):
            raise ParseError(BAD_TEXT, code="invalid_text")
        return data


class ApiViewMixin:
    parser_classes = [CleanJSONParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [ApiRateThrottle]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.query_params.lists():
            if not _text_ok(name) or not all(_text_ok(v) for v in values):
                raise ParseError(BAD_TEXT, code="invalid_text")
