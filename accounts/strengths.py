"""EU Login's authentication strengths and the levels that group them.

A strength names the factors of a sign-in (PASSWORD, PASSWORD_SMS, ...). A level groups
strengths: BASIC (password alone), MEDIUM (password and a second factor), HIGH (hardware
tokens). Accepting a level accepts every level above it. Every name EU Login uses is known
here, offered or not, so a policy can name it; which strengths this server can produce
comes from the factor registry (accounts.factors).

A requirement is a set of accepted strengths; combining two requirements keeps the stricter,
so a service can make a policy stricter but never looser.
"""

from collections.abc import Iterable
from dataclasses import dataclass

BASIC, MEDIUM, HIGH = "BASIC", "MEDIUM", "HIGH"
LEVELS = [BASIC, MEDIUM, HIGH]  # weakest first

NONE = ""
PASSWORD = "PASSWORD"
STRENGTHS_BY_LEVEL: dict[str, list[str]] = {
    BASIC: [PASSWORD],
    MEDIUM: ["PASSWORD_SMS", "PASSWORD_SOFTWARE_TOKEN", "PASSWORD_MOBILE_APP", "PASSWORD_WEBAUTHN"],
    HIGH: ["PASSWORD_TOKEN", "PASSWORD_TOKEN_CRAM"],
}
ALL_STRENGTHS = [s for level in LEVELS for s in STRENGTHS_BY_LEVEL[level]]
LEVEL_OF_STRENGTH = {s: level for level, strengths in STRENGTHS_BY_LEVEL.items() for s in strengths}


def available_strengths() -> frozenset[str]:
    """The strengths this server can produce now: the password's and those of every
    enabled factor registered in accounts.factors."""
    from .factors import factors_enabled

    return frozenset({PASSWORD} | {f.strength for f in factors_enabled() if f.strength})


def strengths_at_or_above(level: str) -> frozenset[str]:
    """Every strength of `level` and of the levels above it."""
    index = LEVELS.index(level)
    return frozenset(s for lvl in LEVELS[index:] for s in STRENGTHS_BY_LEVEL[lvl])


def strongest_level(strengths: Iterable[str]) -> str | None:
    levels = [LEVEL_OF_STRENGTH[s] for s in strengths if s in LEVEL_OF_STRENGTH]
    return max(levels, key=LEVELS.index) if levels else None


class UnknownRequirement(ValueError):
    """A level or strength name this server does not know."""


@dataclass(frozen=True)
class Requirement:
    """The strengths a sign-in must have (any one of them) to be accepted."""

    accepted: frozenset[str]

    @classmethod
    def any(cls) -> "Requirement":
        return cls(frozenset(ALL_STRENGTHS))

    @classmethod
    def level(cls, level: str) -> "Requirement":
        if level not in LEVELS:
            raise UnknownRequirement(level)
        return cls(strengths_at_or_above(level))

    @classmethod
    def strengths(cls, names: Iterable[str]) -> "Requirement":
        names = frozenset(n.strip().upper() for n in names if n.strip())
        unknown = names - set(ALL_STRENGTHS)
        if unknown or not names:
            raise UnknownRequirement(",".join(sorted(unknown)) or "empty")
        return cls(names)

    @classmethod
    def parse(cls, text: str) -> "Requirement":
        """'MEDIUM', 'PASSWORD_SMS', or 'PASSWORD_SMS,PASSWORD_MOBILE_APP'."""
        text = text.strip().upper()
        return cls.level(text) if text in LEVELS else cls.strengths(text.split(","))

    @property
    def minimum_level(self) -> int:
        """The index in LEVELS of the weakest level this requirement accepts."""
        return min((LEVELS.index(LEVEL_OF_STRENGTH[s]) for s in self.accepted), default=len(LEVELS))

    def combine(self, other: "Requirement | None") -> "Requirement":
        """The stricter of the two, never looser than either: what both accept; when they
        share nothing, the one whose weakest accepted level is higher (a service asking for
        less than its policy gets its policy). Two disjoint requirements of the same level
        contradict each other: nothing is accepted."""
        if other is None:
            return self
        shared = self.accepted & other.accepted
        if shared or self.minimum_level == other.minimum_level:
            return Requirement(shared)
        return self if self.minimum_level > other.minimum_level else other

    def is_met_by(self, strengths: Iterable[str]) -> bool:
        return bool(self.accepted & set(strengths))

    @property
    def is_achievable(self) -> bool:
        """Whether any method on this server can produce an accepted strength."""
        return bool(self.accepted & available_strengths())

    def __str__(self) -> str:
        return ",".join(s for s in ALL_STRENGTHS if s in self.accepted)
