from django.apps import AppConfig


class FakeFactorConfig(AppConfig):
    name = "tests.fake_factor"
    label = "fake_factor"

    def ready(self) -> None:
        from accounts.factors import factor_register

        from .factor import fake_factor

        factor_register(fake_factor())
