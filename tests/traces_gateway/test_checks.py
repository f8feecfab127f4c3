import pytest

from traces_gateway.checks import traces_settings_check


def test_the_default_settings_pass(settings):
    settings.DEBUG = True
    assert traces_settings_check(None) == []


@pytest.mark.parametrize("cutoff", ["2024-06-11", "11/06/2024", ""])
def test_a_cutoff_without_its_offset_is_refused(settings, cutoff):
    settings.TRACES_TWO_FACTOR_FROM = cutoff
    assert "traces_gateway.E001" in [p.id for p in traces_settings_check(None)]
