from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .rows import row_by


class EmailBackend(ModelBackend):
    """Django's model backend, reached by email whatever its case.

    For an unknown email ModelBackend still runs the password hasher once, so a wrong
    email and a wrong password take the same time.
    """

    def get_user(self, user_id):
        """The signed-in user of a session, on every request: one SELECT built once (as
        ModelBackend's, without its per-request query compilation)."""
        user = row_by(get_user_model(), "pk", user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
