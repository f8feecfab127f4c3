from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .models import OutboxMessage

PAGE_SIZE = 50


def _enabled_or_404() -> None:
    if not getattr(settings, "DEVOUTBOX_ENABLED", False):
        raise Http404()


@never_cache
def outbox(request: HttpRequest) -> HttpResponse:
    _enabled_or_404()
    messages = OutboxMessage.objects.all()[:PAGE_SIZE]
    return render(request, "devoutbox/outbox.html", {"outbox_messages": messages})


@never_cache
def message(request: HttpRequest, pk: int) -> HttpResponse:
    _enabled_or_404()
    return render(request, "devoutbox/message.html", {"message": get_object_or_404(OutboxMessage, pk=pk)})
