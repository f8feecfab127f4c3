"""The test settings: eulogin's, plus a factor app that exists only in the tests."""

from eulogin.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.fake_factor"]  # noqa: F405
ROOT_URLCONF = "tests.urls"
