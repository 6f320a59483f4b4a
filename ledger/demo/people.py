"""Invented people and households (names, test-range BSNs, birth dates, contact details), and small draws."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ledger.aggregates import is_valid_bsn
from ledger.aggregates.dates import add_years
from ledger.application import NewMember
from .names import GIVEN_CHILD, GIVEN_FEMALE, GIVEN_MALE, POSTCODE_LETTERS, STREETS, SURNAMES, TOWN


# ============================================================ small helpers
def _between(rng: random.Random, lo: date, hi: date) -> date | None:
    """A random day in [lo, hi], or None when the range is empty."""
    if hi < lo:
        return None
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = [k for k, w in weights.items() if w > 0]
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _euros(amount: float) -> str:
    return f"{max(amount, 0.0):.2f}"


def _about_children(template: str) -> bool:
    return "{kind}" in template or "kinderen" in template or "ouders" in template.lower()


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


# ================================================================ households
@dataclass
class _Person:
    role: str
    given: str
    surname: str
    birth: date
    bsn: str | None
    phone: str | None
    email: str | None
    female: bool = False

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"

    def as_member(self) -> NewMember:
        return NewMember(self.role, self.name, bsn=self.bsn, birth_date=self.birth.isoformat(),
                         phone=self.phone, email=self.email)


@dataclass
class _Profile:
    """What the municipality-level draw decided for one household."""

    index: int
    referred_on: date
    outcome: str
    people: list[_Person]
    instrument: str
    flags: set[str] = field(default_factory=set)

    @property
    def adults(self) -> list[_Person]:
        return [p for p in self.people if p.role == "adult"]

    @property
    def children(self) -> list[_Person]:
        return [p for p in self.people if p.role == "child"]

    def relations(self, *, partners: bool = True) -> list[dict[str, str]]:
        """Between members m1, m2, ... (adults first): the two adults partners, the first adult each child's parent."""
        ids = {id(p): f"m{i}" for i, p in enumerate(self.people, start=1)}
        adults = self.adults
        out = []
        if partners and len(adults) == 2:
            out.append({"member": "m1", "relation": "partner_of", "to_member": "m2"})
        parent = "mother_of" if adults[0].female else "father_of"
        out += [{"member": "m1", "relation": parent, "to_member": ids[id(c)]} for c in self.children]
        return out

    @property
    def relations_at_referral(self) -> bool:
        """Most referrals name the relations; one in five does not (its composition then comes from roles alone)."""
        return self.index % 5 != 0


class _Population:
    """Invents people: names, BSNs from the test range, birth dates, contact details."""

    def __init__(self, rng: random.Random, start: date) -> None:
        self.rng = rng
        self.latest_child_birth = add_years(start, -2) - timedelta(days=7)
        pool = [str(n) for n in range(999_990_000, 1_000_000_000) if is_valid_bsn(str(n))]
        rng.shuffle(pool)
        self._bsns = pool

    def _bsn(self) -> str | None:
        return self._bsns.pop() if self._bsns else None  # the test range holds ~900

    def _phone(self) -> str:
        return f"06-0000{self.rng.randint(0, 9999):04d}"

    def adult(self, surname: str, on: date, min_age: int, female: bool) -> _Person:
        rng = self.rng
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        age = rng.randint(max(19, min_age), 70)
        birth = add_years(on, -age) - timedelta(days=rng.randint(1, 360))
        email = f"{_ascii(given)}.{_ascii(surname)}{rng.randint(1, 99)}@voorbeeld.invalid" \
            if rng.random() < 0.6 else None
        return _Person("adult", given, surname, birth, self._bsn(), self._phone(), email, female)

    def child(self, surname: str, on: date) -> _Person:
        rng = self.rng
        earliest = add_years(on, -18) + timedelta(days=1)
        birth = _between(rng, earliest, self.latest_child_birth)
        assert birth is not None  # referrals lie after the start, so the range is ~16 years wide
        bsn = self._bsn() if rng.random() < 0.9 else None
        return _Person("child", rng.choice(GIVEN_CHILD), surname, birth, bsn, None, None)

    def household(self, on: date) -> list[_Person]:
        rng = self.rng
        kind = _weighted(rng, {"single_adult": 35, "single_parent": 30, "two_parents": 25, "couple": 10})
        surname = rng.choice(SURNAMES)
        children: list[_Person] = []
        if kind in ("single_parent", "two_parents"):
            n = _weighted(rng, {"1": 35, "2": 35, "3": 20, "4": 10})
            children = [self.child(surname, on) for _ in range(int(n))]
        eldest = max(((on - c.birth).days // 365 for c in children), default=0)
        min_age = eldest + 18 if children else 19
        first = self.adult(surname, on, min_age, female=rng.random() < (0.8 if kind == "single_parent" else 0.5))
        people = [first]
        if kind in ("couple", "two_parents"):
            partner_surname = surname if rng.random() < 0.4 else rng.choice(SURNAMES)
            people.append(self.adult(partner_surname, on, min_age, female=rng.random() < 0.5))
        return people + children

    def name(self) -> str:
        return f"{self.rng.choice(GIVEN_FEMALE + GIVEN_MALE)} {self.rng.choice(SURNAMES)}"

    def address(self) -> str:
        rng = self.rng
        number = str(rng.randint(1, 180)) + (rng.choice("abc") if rng.random() < 0.1 else "")
        letters = "".join(rng.choice(POSTCODE_LETTERS) for _ in range(2))
        return f"{rng.choice(STREETS)} {number}, {rng.randint(3440, 3449)} {letters} {TOWN}"
