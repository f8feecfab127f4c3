"""The one XML builder of the CAS server (lxml): CAS 2/3 and SAML 1.1 responses, single
logout requests and EU Login's responses. Text and attribute values are escaped by lxml;
characters XML 1.0 cannot carry at all are dropped rather than failing the whole answer."""

import re

from django.http import HttpResponse
from lxml import etree

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    return _NOT_XML.sub("", str(value))


def element(parent, tag: str, text: str | None = None, attrib: dict | None = None, nsmap: dict | None = None):
    """A new element `tag` ('{namespace}name') under `parent`, or a root when None."""
    attrib = {name: xml_text(value) for name, value in (attrib or {}).items()}
    if parent is None:
        node = etree.Element(tag, attrib, nsmap=nsmap)
    else:
        node = etree.SubElement(parent, tag, attrib, nsmap=nsmap)
    if text is not None:
        node.text = xml_text(text)
    return node


def xml_bytes(root, *, declaration: bool = True, pretty: bool = True) -> bytes:
    return etree.tostring(root, xml_declaration=declaration, encoding="utf-8", pretty_print=pretty)


def xml_response(root, *, status: int = 200, content_type: str = "application/xml; charset=utf-8") -> HttpResponse:
    return HttpResponse(xml_bytes(root), content_type=content_type, status=status)
