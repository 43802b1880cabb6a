"""The graph's evidence about two records, and the rule on top of the linkage that
sets twins and siblings aside.

Twins share a date of birth, parents, household, school and GP practice, and so score
as one child. Two records are two children, whatever the score, when both hold NHS
numbers and these differ; or, within one family (a shared household or family member),
when their given names clearly differ (not equal, not misspelt, not one a short form of
the other or a recorded preferred name, not spellings of one name), their middle names
(both recorded) differ, or their dates of birth could not be one child's; and, unless
they hold the same NHS number, when their given names are not one name
(:func:`tacgraph.duplicates.names.one_given_name`). So Harry and Harrison born to one
mother on one day are twins, since Harry is a name in its own right, while Liz beside
Elizabeth is Elizabeth recorded by her nickname.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from tacgraph.duplicates.features import ChildRecord, dob_key
from tacgraph.duplicates.names import (
    given_names_clearly_differ,
    misspelt,
    normalise_name,
    one_given_name,
    short_form_of,
)


def shared(a: ChildRecord, b: ChildRecord) -> list[str]:
    """What the graph says the two records share: household, family members, school,
    GP practice, by id."""
    out: list[str] = []
    if a.household_id and a.household_id == b.household_id:
        out.append(f"household {a.household_id}")
    out += [f"family member {f}" for f in sorted(a.family_ids & b.family_ids)]
    if a.school_id and a.school_id == b.school_id:
        out.append(f"school {a.school_id}")
    if a.gp_practice_id and a.gp_practice_id == b.gp_practice_id:
        out.append(f"GP practice {a.gp_practice_id}")
    return out


def one_family(a: ChildRecord, b: ChildRecord) -> bool:
    """Whether the records share a household or a family member."""
    same_household = a.household_id is not None and a.household_id == b.household_id
    return same_household or bool(a.family_ids & b.family_ids)


def _damerau_one(a: str, b: str) -> bool:
    """Whether two equal-length strings differ in at most one place or one swap of
    neighbours (a date typed with one wrong or two transposed digits)."""
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) <= 1:
        return True
    i, j = diff[0], diff[-1]
    return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]


def dates_could_be_one_birth(a: date | None, b: date | None, either_unborn: bool) -> bool:
    """Whether two recorded dates of birth could be one child's: equal, day and month
    swapped, or one digit mistyped; an unborn child's expected date and a date of birth
    within eight weeks of each other. Unknown dates could be anything."""
    if a is None or b is None:
        return True
    if either_unborn:
        return abs((a - b).days) <= 56
    return dob_key(a) == dob_key(b) or _damerau_one(a.isoformat(), b.isoformat())


Relatives = Callable[[ChildRecord], Iterable[ChildRecord]]


def _no_relatives(_: ChildRecord) -> Iterable[ChildRecord]:
    return ()


def _has_twin_named(a: ChildRecord, b: ChildRecord, relatives: Relatives) -> bool:
    """Whether a third record in either's family was born the same day with either's
    given name: then the two names are two children (twins Harry and Harrison, one of
    whom has a second record)."""
    names = {normalise_name(a.given), normalise_name(b.given)} - {None}
    born = {a.born, b.born} - {None}
    for r in (*relatives(a), *relatives(b)):
        if r.id not in (a.id, b.id) and normalise_name(r.given) in names and r.born in born:
            return True
    return False


def sibling_check(
    a: ChildRecord, b: ChildRecord, relatives: Relatives = _no_relatives
) -> str | None:
    """For two records of one family, why they are one child and not twins or siblings:
    the same NHS number, or given names that are one name. A short form that is also a
    name in its own right (Alfie, Harry) is one name with its formal name unless both
    records live in one household: twins Harry and Harrison live together, while a
    second record of Alfred made as Alfie at the GP practice, linked to his father, is
    Alfred. None when they are two children, and when the question does not arise (not
    one family). ``relatives`` gives the other records of a record's family: a short
    form is not taken for the formal name when a twin holds either name."""
    if not one_family(a, b):
        return None
    if a.nhs and a.nhs == b.nhs:
        return "the same NHS number"
    how = one_given_name(a.given, b.given, a.preferred, b.preferred)
    if how is None and not (a.household_id and a.household_id == b.household_id):
        how = short_form_of(a.given, b.given)
        if how is not None and _has_twin_named(a, b, relatives):
            how = None
    return how


def two_children(
    a: ChildRecord, b: ChildRecord, relatives: Relatives = _no_relatives
) -> str | None:
    """The rule on top of the linkage (see the module's docstring): why two records are
    certainly two children, or None."""
    if a.nhs and b.nhs and a.nhs != b.nhs:
        return "different NHS numbers"
    if not one_family(a, b):
        return None
    if given_names_clearly_differ(a.given, b.given, a.preferred, b.preferred):
        return "one family, different given names"
    if sibling_check(a, b, relatives) is None:
        return "one family, given names not one name"
    x, y = normalise_name(a.middle), normalise_name(b.middle)
    if x and y and x != y and not misspelt(x, y):
        return "one family, different middle names"
    if not dates_could_be_one_birth(a.born, b.born, a.unborn or b.unborn):
        return "one family, different dates of birth"
    return None
