"""View decorators for sensitive account changes."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from . import conf
from .factors import PASSWORD, factors_enrolled, second_factors, session_proved_within
from .http import url_with_query
from .rebind import rebind_proof_url


def recent_authentication_kinds() -> list[str]:
    """The kinds whose proof is a presentation of the person's credentials: the password,
    and a factor that stands alone (a passkey that verified the person, MEDIUM on its
    own). A second factor proved after the password is not one (it proves possession only)."""
    return [PASSWORD] + [f.kind for f in second_factors() if f.alone]


def has_recent_authentication(request) -> bool:
    return session_proved_within(request, recent_authentication_kinds(),
                                 conf.get("ACCOUNTS_REAUTHENTICATION_SECONDS"))


def recent_authentication_required(view):
    """Signed in, and the password (or a factor that stands alone: a passkey sign-in)
    proved within ACCOUNTS_REAUTHENTICATION_SECONDS; otherwise ask for the password
    again, then come back here."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_recent_authentication(request):
            return redirect(url_with_query(reverse('accounts:reauthenticate'), next=request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def has_fresh_factor(request) -> bool:
    """Whether the rule of fresh_factor_required holds: no second factor enrolled, or one
    of them proved in this session within ACCOUNTS_FRESH_FACTOR_SECONDS."""
    enrolled = factors_enrolled(request.user)
    return not enrolled or session_proved_within(request, [f.kind for f in enrolled],
                                                 conf.get("ACCOUNTS_FRESH_FACTOR_SECONDS"))


def fresh_factor_required(view):
    """Once the account has a second factor of any kind, binding a new authenticator (or
    removing one) needs one of them proved in this session within
    ACCOUNTS_FRESH_FACTOR_SECONDS (NIST 800-63B: binding a new authenticator needs an
    existing one); otherwise prove one, then come back here. When it has none left and
    had one, the account's email confirms the binding first (accounts.rebind)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from .steps import factor_prove_url

        if not has_fresh_factor(request):
            return redirect(factor_prove_url(request, request.get_full_path()))
        url = rebind_proof_url(request, request.get_full_path())
        if url:
            return redirect(url)
        return view(request, *args, **kwargs)

    return wrapper
