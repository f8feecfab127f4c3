"""Celery tasks of the accounts app: thin, they call a service. Enqueued on commit."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def registration_email_send(*, email: str, first_name: str, last_name: str, language: str, base_url: str) -> None:
    services.registration_email_send(
        email=email, first_name=first_name, last_name=last_name, language=language, base_url=base_url
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def password_reset_email_send(*, email: str, language: str, base_url: str, ip: str | None = None,
                              by: dict | None = None) -> None:
    services.password_reset_email_send(email=email, language=language, base_url=base_url, ip=ip, by=by)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def account_email_send(*, to: str, template: str, language: str, context: dict | None = None) -> None:
    """A notice (password changed or reset, account deleted). Takes the address rather
    than a user id, because after a deletion there is no user left to load."""
    services.account_email_send(to=to, template=template, language=language, context=context or {})


@shared_task(ignore_result=True)
def rate_windows_purge_task() -> None:
    """Drop the PostgreSQL request counters whose window is over (eulogin.ratelimit)."""
    from eulogin.ratelimit import windows_purge

    windows_purge()
