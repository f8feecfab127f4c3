"""The session engine: Django's cached_db (the cache in front, the database the record),
with fewer database round trips on the sign-in path.

- A new key is drawn without first asking the cache and the database whether it exists:
  32 characters from 36 make a collision unthinkable, and the INSERT's unique key would
  still refuse one (CreateError, and a new key is drawn).
- Outside a transaction a session is written by its one INSERT or UPDATE, not inside
  BEGIN … COMMIT: a single statement is atomic by itself. Inside one, Django's savepoint
  is kept, so a failure never breaks the caller's transaction.
- A session is deleted by one DELETE, not a SELECT of the row first.
- A signed-in session whose key changes (Django does so when its hash was verified with
  a SECRET_KEY_FALLBACKS key, and on a password change) takes its UserSession row along and
  says so (`session_key_rotated`: its SSO sessions follow): the row is what keeps it
  signed in (accounts.middleware.UserSessionMiddleware).
"""

import logging

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils.crypto import get_random_string

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        using = router.db_for_write(self.model)
        if connections[using].in_atomic_block:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session(no_load=must_create))
        try:
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:  # as cached_db: the database holds the session all the same
            logger.exception("Error saving to cache (%s)", self._cache)

    def cycle_key(self) -> None:
        old_key, user_id = self.session_key, self.get(SESSION_KEY)
        super().cycle_key()
        if old_key and user_id and self.session_key != old_key:
            from .models import UserSession
            from .signals import session_key_rotated

            if UserSession.objects.filter(session_key=old_key).update(session_key=self.session_key):
                user = get_user_model().objects.filter(pk=user_id).first()
                session_key_rotated.send(sender=UserSession, user=user, old_session_key=old_key,
                                         new_session_key=self.session_key)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=session_key)._raw_delete(router.db_for_write(self.model))
        self._cache.delete(self.cache_key_prefix + session_key)
