"""Where a signed-in person goes to prove a factor now (step-up, fresh proof before a
change): straight to the factor's own step when one fits, else to a choice of them."""


from django.urls import reverse

from .factors import Factor, factors_enrolled, factors_meeting, session_factor_kinds
from .http import url_with_query
from .strengths import Requirement


def factors_to_prove(request, requirement: Requirement | None = None) -> tuple[list[Factor], list[Factor]]:
    """(usable, locked): the factors the signed-in person holds that would meet
    `requirement` with what this session proved (any of them when None), not locked and
    with a step to prove them, the preferred method first; and those held but locked."""
    user = request.user
    held = factors_enrolled(user, backups=False)
    if requirement is not None:
        meeting = {f.kind for f in factors_meeting(requirement, proved=session_factor_kinds(request))}
        held = [f for f in held if f.kind in meeting]
    elif not held:
        held = factors_enrolled(user)  # only backups left: they prove the account too
    # The person is known here: their preferred method first, the others strongest first.
    held = sorted((f for f in held if f.step_up_url is not None), key=lambda f: f.kind != user.preferred_method)
    locked = [f for f in held if f.is_locked(user)]
    return [f for f in held if f not in locked], locked


def factor_prove_url(request, next_url: str, requirement: Requirement | None = None) -> str:
    """The factor's step when exactly one fits (held, or else the only kind that would
    meet `requirement`: its step leads to enrolling one), else the choice page (which also
    says when every one is locked)."""
    usable, locked = factors_to_prove(request, requirement)
    if not usable and not locked and requirement is not None:
        usable = [f for f in factors_meeting(requirement, proved=session_factor_kinds(request)) if f.step_up_url]
    if len(usable) == 1:
        return usable[0].step_up_url(next_url)
    query = {"next": next_url}
    if requirement is not None:
        query["requirement"] = str(requirement)
    return url_with_query(reverse("accounts:factor_choose"), **query)


def other_factors(request, user, *, current: str, next_url: str | None = None) -> list[dict]:
    """"Can't use your device?": the other second factors `user` holds, backups last, to
    use instead of `current`. At sign-in (`next_url` None) each is started through
    accounts:login_other; a signed-in session goes to its step-up URL."""
    held = sorted((f for f in factors_enrolled(user) if f.kind != current and not f.is_locked(user)),
                  key=lambda f: f.backup)
    if next_url is None:
        return [{"factor": f, "url": ""} for f in held if f.start is not None]
    return [{"factor": f, "url": f.step_up_url(next_url)} for f in held if f.step_up_url is not None]
