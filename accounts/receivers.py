from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import user_session_start


@receiver(user_logged_in, dispatch_uid="accounts.user_session_start")
def _record_user_session(sender, request, user, **kwargs) -> None:
    if request is not None:
        user_session_start(request=request, user=user)
