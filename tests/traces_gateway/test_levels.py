import pytest

from accounts.strengths import (
    BASIC,
    HIGH,
    MEDIUM,
    Requirement,
    UnknownRequirement,
    strengths_at_or_above,
    strongest_level,
)


def test_accepting_a_level_accepts_every_level_above_it():
    assert "PASSWORD" in strengths_at_or_above(BASIC)
    assert "PASSWORD_SMS" in strengths_at_or_above(BASIC)
    assert "PASSWORD" not in strengths_at_or_above(MEDIUM)
    assert "PASSWORD_SMS" in strengths_at_or_above(MEDIUM)
    assert strengths_at_or_above(HIGH).isdisjoint({"PASSWORD", "PASSWORD_SMS"})


def test_a_password_session_meets_basic_but_not_medium():
    assert Requirement.level(BASIC).is_met_by(["PASSWORD"])
    assert not Requirement.level(MEDIUM).is_met_by(["PASSWORD"])
    assert Requirement.level(MEDIUM).is_met_by(["PASSWORD_SMS", "PASSWORD"])


def test_combining_keeps_the_stricter_and_never_weakens():
    medium = Requirement.level(MEDIUM)
    looser = Requirement.parse("PASSWORD")
    stricter = Requirement.parse("PASSWORD_MOBILE_APP")
    assert not medium.combine(looser).is_met_by(["PASSWORD"])
    assert medium.combine(looser) == medium
    assert looser.combine(medium) == medium
    assert medium.combine(stricter).accepted == frozenset({"PASSWORD_MOBILE_APP"})
    assert not medium.combine(stricter).is_met_by(["PASSWORD_SMS"])


def test_a_requirement_no_method_here_can_meet_is_known_as_such():
    assert Requirement.level(MEDIUM).is_achievable
    assert not Requirement.level(HIGH).is_achievable
    assert not Requirement.parse("PASSWORD_TOKEN").is_achievable


@pytest.mark.parametrize("text", ["", "SUPERSTRONG", "PASSWORD,NOPE", ","])
def test_unknown_names_are_refused(text):
    with pytest.raises(UnknownRequirement):
        Requirement.parse(text)


def test_the_strongest_level_of_a_session():
    assert strongest_level(["PASSWORD_SMS", "PASSWORD"]) == MEDIUM
    assert strongest_level(["PASSWORD"]) == BASIC
    assert strongest_level([]) is None


def test_disjoint_requirements_of_one_level_accept_nothing():
    sms_only = Requirement.parse("PASSWORD_SMS")
    app_only = Requirement.parse("PASSWORD_MOBILE_APP")
    assert not sms_only.combine(app_only).accepted
    assert not sms_only.combine(app_only).is_achievable
