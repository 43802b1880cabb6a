"""Given and family names as children's records hold them: folding, nicknames,
transliterations, misspellings, and whether two given names are one child's name.

The nickname table is data (``nicknames.json`` beside this module): formal names with
the short forms they go by in England, the short forms that are also names children are
registered under in their own right, and spellings of one name across scripts.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from functools import cache, lru_cache
from importlib import resources
from typing import Any


@cache
def _table() -> dict[str, Any]:
    text = resources.files("tacgraph.duplicates").joinpath("nicknames.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def nickname_groups() -> tuple[tuple[str, ...], ...]:
    """Each formal name followed by its short forms and nicknames."""
    return tuple(tuple(group) for group in _table()["groups"])


def names_in_their_own_right() -> frozenset[str]:
    """Short forms that are also names children are given (Harry, Millie, Alfie)."""
    return frozenset(_table()["names_in_their_own_right"])


@cache
def _formal() -> dict[str, frozenset[str]]:
    """For each short form, the formal names it is a short form of."""
    heads: dict[str, set[str]] = defaultdict(set)
    for formal, *short in nickname_groups():
        for name in short:
            heads[name].add(formal)
    return {name: frozenset(formal) for name, formal in heads.items()}


@cache
def _spelling_heads() -> dict[str, str]:
    """For each spelling in a transliteration group, the group's first spelling."""
    out: dict[str, str] = {}
    for group in _table()["transliterations"]:
        for name in group:
            out.setdefault(name, group[0])
    return out


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"})


# A local authority's children share their names: the folds and keys below are
# remembered (a few hundred thousand short strings at most), so a table of 300,000
# records folds each name once.
@lru_cache(maxsize=1 << 18)
def normalise_name(value: str | None) -> str | None:
    """A name folded for comparison: lower case, accents and punctuation removed, a
    hyphen or apostrophe as a space. None when nothing is left."""
    if not value:
        return None
    text = unicodedata.normalize("NFKD", value.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("’", "")
    text = "".join(ch if ch.isalpha() else " " for ch in text)
    words = text.split()
    return " ".join(words) or None


def name_forms(*names: str | None) -> list[str]:
    """The given names a record could stand for: each name it holds (given and
    preferred), and the formal names each is a short form of. Two records' names are one
    person's when their forms meet."""
    forms: set[str] = set()
    for name in names:
        word = normalise_name(name)
        if word:
            forms.add(word)
            forms.update(_formal().get(word, ()))
    return sorted(forms)


_DIGRAPHS = (("ph", "f"), ("x", "ks"), ("ck", "k"), ("q", "k"), ("w", "v"), ("z", "s"))


@lru_cache(maxsize=1 << 18)
def spelling_key(value: str | None) -> str | None:
    """One key for the spellings of a name written from another script (Mohammed,
    Muhammad, Mohamed; Chaudhry, Choudhury): a spelling in the transliteration table
    stands for its group; otherwise the name's consonants in order, doubled letters once,
    the first letter kept whatever it is. None for an unknown name."""
    word = normalise_name(value)
    if word is None:
        return None
    head = _spelling_heads().get(word)
    if head is not None:
        word = head
    text = word.replace(" ", "")
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    if not text:
        return None
    rest = "".join(ch for ch in text[1:] if ch not in "aeiou")
    key = text[0]
    for ch in rest:
        if ch != key[-1]:
            key += ch
    return key


def damerau(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    rows = [list(range(len(b) + 1))]
    for i, x in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def misspelt(a: str, b: str) -> bool:
    """Whether two different names are one misspelt: one edit (or swap of neighbours)
    apart, or two for names of seven letters or more."""
    distance = damerau(a, b)
    return distance <= 1 or (distance <= 2 and min(len(a), len(b)) >= 7)


def given_names_clearly_differ(
    a: str | None, b: str | None, a_preferred: str | None = None, b_preferred: str | None = None
) -> bool:
    """Whether two given names belong to two different people: both known, and neither
    equal, nor misspelt (:func:`misspelt`), nor one the start of the other, nor one a
    short form of the other or a recorded preferred name, nor spellings of one name from
    another script. Two formal names that share a short form (Henry and Harrison, both
    Harry) do clearly differ."""
    x, y = normalise_name(a), normalise_name(b)
    if x is None or y is None:
        return False
    if x == y or misspelt(x, y):
        return False
    if min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)):
        return False
    if _transliterated(x, y):
        return False
    return y not in name_forms(a, a_preferred) and x not in name_forms(b, b_preferred)


def _transliterated(x: str, y: str) -> bool:
    """Whether two folded names are spellings of one name from another script: in one
    group of the transliteration table. (The linkage also compares :func:`spelling_key`;
    the rule for twins takes only the table, since Brandon and Brendan share a key.)"""
    heads = _spelling_heads()
    return x in heads and heads.get(y) == heads[x]


def one_given_name(
    a: str | None, b: str | None, a_preferred: str | None = None, b_preferred: str | None = None
) -> str | None:
    """How two given names are one child's name, or None when they are two names.

    They are one name when equal (folded by :func:`normalise_name`), when one is the
    preferred name recorded with the other, when one is a familiar form of the other
    that is not also a name given in its own right (Liz for Elizabeth; but Harry is a
    name, so Harry and Harrison are two), or when they are spellings of one name written
    from another script (Mohammed and Muhammad). A misspelling is two names here:
    Catherine and Katherine are both names. An unknown name could be the other."""
    x, y = normalise_name(a), normalise_name(b)
    if x is None or y is None:
        return "a given name is not recorded"
    if x == y:
        return "the same given name"
    if y == normalise_name(a_preferred) or x == normalise_name(b_preferred):
        return "one given name is the other record's preferred name"
    own = names_in_their_own_right()
    for short, formal in ((x, y), (y, x)):
        if formal in _formal().get(short, ()) and short not in own:
            return f"{short} is a nickname of {formal}, not a name in its own right"
    if _transliterated(x, y):
        return f"{x} and {y} are spellings of one name"
    return None


def short_form_of(a: str | None, b: str | None) -> str | None:
    """How one given name is a short form of the other (Alfie of Alfred), or None."""
    x, y = normalise_name(a), normalise_name(b)
    if x is None or y is None:
        return None
    for short, formal in ((x, y), (y, x)):
        if formal in _formal().get(short, ()):
            return f"{short} is a short form of {formal}, and the records do not live together"
    return None
