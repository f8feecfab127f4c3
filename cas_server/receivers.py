"""An eulogin session that ends takes its SSO session (and the services' sessions) along."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.signals import session_ended, session_key_rotated
from eulogin.readcache import read_caches_changed

from .models import Service
from .sso import sso_sessions_end_for_session, sso_sessions_rekey


@receiver(session_ended, dispatch_uid="cas.session_ended")
def _end_sso_on_session_end(sender, user, session_key, **kwargs) -> None:
    if user is not None and session_key:
        sso_sessions_end_for_session(user_id=user.pk, session_key=session_key, reason="session_ended")


@receiver(user_logged_out, dispatch_uid="cas.user_logged_out")
def _end_sso_on_logout(sender, request, user, **kwargs) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is not None and session_key:
        sso_sessions_end_for_session(user_id=user.pk, session_key=session_key, reason="logout")


@receiver(session_key_rotated, dispatch_uid="cas.session_key_rotated")
def _follow_rotated_session_key(sender, user, old_session_key, new_session_key, **kwargs) -> None:
    if user is not None and old_session_key and new_session_key:
        sso_sessions_rekey(user_id=user.pk, old_session_key=old_session_key, new_session_key=new_session_key)


# The registry is cached in every process: a change of a service tells them all.
post_save.connect(read_caches_changed, sender=Service, dispatch_uid="cas.registry_saved")
post_delete.connect(read_caches_changed, sender=Service, dispatch_uid="cas.registry_deleted")
