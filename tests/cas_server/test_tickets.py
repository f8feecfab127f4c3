import math
import re

from cas_server.tickets import ticket_digest, ticket_kind, ticket_new, ticket_reference


def test_tickets_have_the_prefix_and_enough_entropy():
    for prefix in ("ST", "PT", "PGT", "PGTIOU", "TGT"):
        value = ticket_new(prefix)
        body = value[len(prefix) + 1:]
        assert value.startswith(prefix + "-") and re.fullmatch(r"[A-Za-z0-9]+", body)
        assert len(body) * math.log2(62) >= 128


def test_tickets_do_not_repeat():
    assert len({ticket_new("ST") for _ in range(2000)}) == 2000


def test_ticket_kind_rejects_malformed_and_oversized_values():
    assert ticket_kind("ST-abc") == "ST" and ticket_kind("PGTIOU-x") == "PGTIOU"
    for bad in ("", "ST-", "XX-abc", "ST-a_b", "ST-" + "a" * 300, "st-abc", "ST-abc\n"):
        assert ticket_kind(bad) is None


def test_references_never_contain_the_ticket():
    ticket = ticket_new("ST")
    reference = ticket_reference(ticket)
    assert reference.startswith("ST:") and ticket[3:] not in reference
    assert ticket_digest(ticket) != ticket and len(ticket_digest(ticket)) == 64
