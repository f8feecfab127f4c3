from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_protect

from accounts import flows
from accounts.decorators import fresh_factor_required, recent_authentication_required
from accounts.factors import factor_proved
from accounts.http import safe_next_url

from .factor import FAKE
from .models import FakeToken


def _matching(user, code):
    return next((t for t in FakeToken.objects.filter(user=user, confirmed=True) if t.verify_token(code)), None)


def _page(title: str) -> HttpResponse:
    return HttpResponse(f"<h1>{title}</h1><form method=post><input name=code></form>")


@csrf_protect
def signin(request):
    """The step after the password: the code of one of the person's fake tokens."""
    user = flows.signin_pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if request.method == "POST":
        token = _matching(user, request.POST.get("code"))
        if token is not None:
            return flows.signin_factor_proved(request, user=user, kind=FAKE, device=token, token=token.name)
        return HttpResponse("wrong code", status=400)
    return _page("Fake token sign-in")


@csrf_protect
@login_required
def verify(request):
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or "/"
    if request.method == "POST":
        token = _matching(request.user, request.POST.get("code"))
        if token is None:
            return HttpResponse("wrong code", status=400)
        factor_proved(request, kind=FAKE, device=token, token=token.name)
        return redirect(next_url)
    return _page("Prove a fake token")


@csrf_protect
@recent_authentication_required
@fresh_factor_required
def enrol(request):
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or "/"
    if request.method == "POST":
        secret = request.POST.get("secret", "")[:32]
        if not secret:
            return HttpResponse("a secret is needed", status=400)
        token = FakeToken.objects.create(user=request.user, name=request.POST.get("name", "token")[:64],
                                         secret=secret, confirmed=True)
        factor_proved(request, kind=FAKE, device=token, token=token.name)
        return redirect(next_url)
    return _page("Add a fake token")


@login_required
def tokens(request):
    return HttpResponse(", ".join(t.name for t in FakeToken.objects.filter(user=request.user)))
