from .models import email_domain_label


def account(request):
    """The signed-in person's name and domain label for the header's user menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"account_domain_label": email_domain_label(user.email)}
