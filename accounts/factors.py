"""The factor registry, and what the person proved in this session.

A factor app registers one `Factor` per kind in its AppConfig.ready() (see
mfa_sms/factor.py; README "Layout" names a test-only example):

    from accounts.factors import Factor, factor_register
    factor_register(Factor(kind="SMS", strength="PASSWORD_SMS", label=_("Mobile phone + SMS"),
                           start=sms_signin_start, has_device=..., step_up_url=..., tile=Tile(...)))

The core reads the registry and names no factor app: the methods of the password step,
the strengths (accounts.strengths), step-up and guided enrolment (accounts.steps), the
"Mon compte" tiles, PANIC, the "fresh proof before binding" rule
(accounts.decorators.fresh_factor_required: wrap your enrolment and removal views in it)
and the validation responses.

At sign-in the core checks the password, then calls the chosen factor's `start(request,
user, extra)`, which returns the factor's own step (`accounts.flows.signin_pending_user`
tells it whose password was proved); once proved, that step returns
`accounts.flows.signin_factor_proved(request, user=, kind=, device=, **detail)`. A
signed-in session that proves a factor (step-up, enrolment) calls `factor_proved(request,
kind=, device=, **detail)`. Both write the session's factors: the one truth of what this
session proved (django-otp's verified state only mirrors it).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import strengths

if TYPE_CHECKING:
    from .strengths import Requirement
    from .tiles import Tile

SESSION_KEY = "eulogin_factors"

# The core's factor kind. Every other kind belongs to the app that registers it.
PASSWORD = "PASSWORD"

STRENGTH_NONE = strengths.NONE
STRENGTH_PASSWORD = strengths.PASSWORD


def _never(user) -> bool:
    return False


def _nothing(user) -> list:
    return []


@dataclass(frozen=True)
class Factor:
    """One kind of authentication factor, as its app registers it.

    Only `kind` and `label` are required; every callable has a harmless default.
    """

    # The kind recorded in the session's factors and sent in CAS 3 `authenticationFactors`.
    kind: str
    # The method's name on the password step ("Méthode d'authentification") and elsewhere.
    label: Promise | str
    # EU Login's strength this factor gives with the password (e.g. PASSWORD_SMS).
    strength: str = ""
    # Under the label on the password step.
    description: Promise | str = ""
    # Strongest first: a lower number is listed first and its strength named first.
    order: int = 100
    # True when the factor alone (without the password) gives `strength`, e.g. a passkey
    # with user verification. Its own sign-in page (`passwordless_url`, offered on the
    # email step) signs in with signin_factor_proved.
    alone: bool = False
    # next → the URL of that page (alone factors only).
    passwordless_url: Callable[[str], str] | None = None
    # A backup (recovery codes): no method of its own on the password step, no guided
    # enrolment; offered from the second-factor step of the other factors.
    backup: bool = False
    # A short notice shown with the method (e.g. that SMS is the least safe choice).
    notice: Promise | str = ""

    # --- the password step ---
    # Extra fields of the method, rendered under it (prefix: the kind in lower case).
    form_class: type[forms.Form] | None = None
    # Called once the password is right, with the user and the cleaned extra fields:
    # returns the response that continues the sign-in (the factor's own step). None: not
    # offered on the password step (the password method itself has none: it completes).
    start: Callable[[HttpRequest, Any, dict], HttpResponse] | None = None
    # Whether the factor can be offered at all now (e.g. its backend is configured).
    is_enabled: Callable[[], bool] = field(default=lambda: True)

    # --- the person's devices of this kind ---
    # Whether `user` has a usable (confirmed) device of this kind.
    has_device: Callable[[Any], bool] = _never
    # Whether the kind is locked for `user` (too many wrong codes...).
    is_locked: Callable[[Any], bool] = _never
    # Every device row of this kind of `user`, in any state (PANIC deletes them all).
    devices: Callable[[Any], Iterable] = _nothing
    # The person renames (request, device, name) and removes (request, device) one of
    # them, e.g. through the self-service API; both audit and tell the person. None: a
    # plain save of `name`, and a plain delete with an audit event.
    rename: Callable[[HttpRequest, Any, str], None] | None = None
    remove: Callable[[HttpRequest, Any], None] | None = None
    # (user) → whether the account held one of these once, by a record of the factor's
    # own older than the audit trail's enrolment events (SMS: its history of numbers).
    # An account that had a second factor and has none left binds a new one only after
    # its email confirms it (accounts.rebind); the audit trail counts for every kind.
    had_device: Callable[[Any], bool] | None = None

    # --- where to send a signed-in person ---
    # The enrolment page: (next, cancel) → URL; after enrolling, go to next (the
    # enrolment proves the factor: call factor_proved), on "Cancel" go to cancel.
    enrol_url: Callable[[str, str], str] | None = None
    # Prove an enrolled device now, then go on to next: next → URL.
    step_up_url: Callable[[str], str] | None = None
    # The guided enrolment's link text ("Add a mobile phone number") and an optional
    # template of its steps, included in the guided enrolment page.
    enrol_label: Promise | str = ""
    enrol_template: str = ""
    # An HTML id for the guided enrolment link (pages and tests find it by this id).
    enrol_html_id: str = ""
    # A backup only: (user, next) → the page offering it right after another factor is
    # enrolled (recovery codes after a first second factor), or "" when not to offer it.
    offer_url: Callable[[Any, str], str] | None = None

    # "Mon compte": the tile of this kind's management page (accounts.tiles.Tile).
    tile: "Tile | None" = None

    # --- validation responses ---
    # EU Login `authenticationFactors` entries for one proved factor (the dict recorded
    # in the session): (proved, user=, user_details=) → [(element name, value), ...].
    eulogin_factors: Callable[..., list[tuple[str, str]]] = field(default=lambda proved, **kw: [])
    # CAS 3 attributes for one proved factor: proved → {name: [values]}.
    cas_attributes: Callable[[dict], dict[str, list[str]]] = field(default=lambda proved: {})

    @property
    def code(self) -> str:
        """The method code on the password step and in `preferred_method`: the kind."""
        return self.kind


_registry: dict[str, Factor] = {}


def factor_register(factor: Factor) -> None:
    """Register a factor kind (from its app's AppConfig.ready())."""
    if factor.strength and factor.strength not in strengths.ALL_STRENGTHS:
        raise ImproperlyConfigured(f"{factor.kind}: {factor.strength!r} is not one of EU Login's strengths")
    if factor.kind != factor.kind.upper() or not factor.kind:
        raise ImproperlyConfigured(f"{factor.kind!r}: a factor kind is an upper-case name")
    _registry[factor.kind] = factor


def factor_get(kind: str) -> Factor | None:
    """The registered factor of `kind`, enabled or not (to read what a session proved)."""
    return _registry.get(kind)


def factors_enabled() -> list[Factor]:
    """Every enabled factor, the password included, strongest first."""
    return sorted((f for f in _registry.values() if f.is_enabled()), key=lambda f: f.order)


def second_factors() -> list[Factor]:
    """The enabled factors other than the password, strongest first."""
    return [f for f in factors_enabled() if f.kind != PASSWORD]


def factors_enrolled(user, *, backups: bool = True) -> list[Factor]:
    """The second factors `user` has a usable device of (backups too, unless told not)."""
    return [f for f in second_factors() if (backups or not f.backup) and f.has_device(user)]


def enrolment_next_url(user, next_url: str) -> str:
    """Where a factor's enrolment goes once its device is confirmed: a backup's offer
    first, when one wants to be offered, then `next_url`."""
    for factor in second_factors():
        if factor.backup and factor.offer_url is not None:
            offer = factor.offer_url(user, next_url)
            if offer:
                return offer
    return next_url


def factors_meeting(requirement: "Requirement", *, proved: Iterable[str] = ()) -> list[Factor]:
    """The second factors (not backups) that, added to the kinds already `proved`, would
    meet `requirement`: those step-up and guided enrolment offer."""
    proved = set(proved)
    return [f for f in second_factors()
            if not f.backup and requirement.is_met_by(strengths_for(proved | {f.kind}))]


# --- the password step ---


def signin_methods() -> list[Factor]:
    """The methods of the password step: the password alone first, then every enabled
    factor that has a step after it, strongest first."""
    methods = factors_enabled()
    return ([f for f in methods if f.kind == PASSWORD]
            + [f for f in methods if f.kind != PASSWORD and f.start is not None and not f.backup])


def signin_method_get(code: str) -> Factor | None:
    return next((m for m in signin_methods() if m.kind == code), None)


def signin_passwordless() -> list[Factor]:
    """The factors offered on the email step, to sign in without a password."""
    return [f for f in second_factors() if f.alone and f.passwordless_url is not None]


# --- strengths ---


def strengths_for(kinds: Iterable[str]) -> list[str]:
    """Every strength a set of factor kinds satisfies, strongest first."""
    kinds = set(kinds)
    found: list[str] = []
    for factor in sorted(_registry.values(), key=lambda f: f.order):
        if factor.kind == PASSWORD or factor.kind not in kinds or not factor.strength:
            continue
        if (PASSWORD in kinds or factor.alone) and factor.strength not in found:
            found.append(factor.strength)
    if PASSWORD in kinds:
        found.append(strengths.PASSWORD)
    return found


# --- this session's factors ---


def session_factors(request: HttpRequest) -> list[dict]:
    return list(request.session.get(SESSION_KEY, []))


def session_factor_kinds(request: HttpRequest) -> set[str]:
    return {f["kind"] for f in session_factors(request)}


def session_strengths(request: HttpRequest) -> list[str]:
    return strengths_for(session_factor_kinds(request))


def session_strength(request: HttpRequest) -> str:
    """The strongest strength of this session, or '' when nothing is proved."""
    found = session_strengths(request)
    return found[0] if found else STRENGTH_NONE


def session_factor_proved_at(request: HttpRequest, kind: str) -> datetime | None:
    for factor in session_factors(request):
        if factor["kind"] == kind:
            try:
                return datetime.fromisoformat(factor["at"])
            except (KeyError, TypeError, ValueError):
                return None
    return None


def session_signed_in_at(request: HttpRequest) -> datetime | None:
    """When this session's credentials were presented: the password's moment or, for a
    sign-in without one, that of the earliest factor that stands alone."""
    password = session_factor_proved_at(request, PASSWORD)
    if password is not None:
        return password
    alone = [session_factor_proved_at(request, f["kind"]) for f in session_factors(request)
             if (factor := factor_get(f["kind"])) is not None and factor.alone]
    alone = [at for at in alone if at is not None]
    return min(alone) if alone else None


def session_proved_within(request: HttpRequest, kinds: Iterable[str], max_age: int) -> bool:
    """Whether this session proved one of `kinds` within `max_age` seconds."""
    now = timezone.now()
    for kind in kinds:
        at = session_factor_proved_at(request, kind)
        if at is not None and 0 <= (now - at).total_seconds() <= max_age:
            return True
    return False


def factor_record(*, kind: str, device=None, **detail) -> dict:
    """The session entry of one factor proved now. `detail` must hold nothing secret."""
    return {"kind": kind, "at": timezone.now().isoformat(), **detail}


def otp_mirror(request: HttpRequest, device) -> None:
    """django-otp's verified state follows the session's factors (for code asking
    django-otp's `is_verified()`); nothing in eulogin reads it."""
    from django_otp import login as otp_login
    from django_otp.models import Device

    if isinstance(device, Device) and request.user.is_authenticated:
        otp_login(request, device)


def factor_proved(request: HttpRequest, *, kind: str, device=None, **detail) -> None:
    """A signed-in session proved `kind` now (step-up, enrolment, re-authentication).
    `detail` is kept with it (e.g. the masked phone number) and must hold nothing secret."""
    entries = [f for f in session_factors(request) if f["kind"] != kind]
    entries.append(factor_record(kind=kind, **detail))
    request.session[SESSION_KEY] = entries
    otp_mirror(request, device)


# --- the password itself: the core's factor ---


def _password_eulogin_factors(proved: dict, *, user, user_details: bool = True) -> list[tuple[str, str]]:
    return [("moniker", user.email)]


factor_register(Factor(
    kind=PASSWORD,
    label=_("Password"),
    description=_("Sign in to EU Login with your password only."),
    strength=strengths.PASSWORD,
    order=1000,  # the weakest
    has_device=lambda user: True,
    eulogin_factors=_password_eulogin_factors,
))
