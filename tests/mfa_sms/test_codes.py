import re

from mfa_sms import codes


def test_codes_are_8_characters_of_an_alphabet_without_look_alikes():
    assert len(codes.ALPHABET) == 32 and not set("01OI") & set(codes.ALPHABET)
    for _ in range(200):
        assert re.fullmatch(f"[{codes.ALPHABET}]{{8}}", codes.code_generate())


def test_codes_come_from_a_csprng_and_differ():
    assert len({codes.code_generate() for _ in range(1000)}) == 1000


def test_codes_are_shown_as_two_groups_of_four():
    assert codes.code_display("ABCDEFGH") == "ABCD-EFGH"


def test_a_code_is_accepted_with_or_without_dash_in_any_case():
    salt, code = "s4lt", "ABCD2345"
    stored = codes.code_hmac(code, salt=salt)
    for typed in ["ABCD-2345", "abcd2345", " abcd-2345 ", "AbCd 2345"]:
        assert codes.code_matches(typed, salt=salt, expected_hmac=stored)
    assert not codes.code_matches("ABCD-2346", salt=salt, expected_hmac=stored)


def test_the_stored_hmac_depends_on_the_salt_and_the_secret_key(settings):
    first = codes.code_hmac("ABCD2345", salt="a")
    assert first != codes.code_hmac("ABCD2345", salt="b")
    assert "ABCD" not in first
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-000000000"
    assert codes.code_hmac("ABCD2345", salt="a") != first
