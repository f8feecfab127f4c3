from accounts.checks import check_emailed_links, check_password_policy


def _ids(messages):
    return [m.id for m in messages]


def test_the_configured_password_policy_passes():
    assert check_password_policy(None) == []
    assert check_emailed_links(None) == []


def test_a_short_minimum_length_is_an_error(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 6}},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ]
    assert _ids(check_password_policy(None)) == ["accounts.E003"]
    settings.AUTH_PASSWORD_VALIDATORS = []
    assert _ids(check_password_policy(None)) == ["accounts.E003", "accounts.W002"]


def test_link_lifetimes_and_limits_are_checked(settings):
    settings.PASSWORD_RESET_TIMEOUT = 30 * 24 * 3600
    settings.ACCOUNTS_REGISTRATION_TIMEOUT_SECONDS = 0
    settings.ACCOUNTS_EMAIL_REQUESTS_PER_IP = 0
    assert _ids(check_emailed_links(None)) == ["accounts.W003", "accounts.E004", "accounts.E005"]


def test_the_admin_requirement_must_be_known(settings):
    from accounts.checks import check_admin_requirement

    assert check_admin_requirement(None) == []
    settings.EULOGIN_ADMIN_REQUIRED_STRENGTH = "PASSWORD_TELEPATHY"
    assert _ids(check_admin_requirement(None)) == ["accounts.E010"]
