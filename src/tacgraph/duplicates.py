"""Probable duplicate child records, and the duplicate CAFs they hide.

Two records of one child split what agencies know between them, and let a second CAF
start when one is already open (000 4.1: "confirm none exists"). This module finds them
by probabilistic record linkage (Fellegi-Sunter, with Splink on DuckDB) over the
identifying fields a record holds (given, middle, family and preferred names, date of
birth, sex, NHS number, postcode and address) and the graph's own evidence, read through
named queries: a shared household (``LIVES_IN``), shared parents or carers
(``FAMILY_OF``), the same school (``ATTENDS``) and GP practice (``REGISTERED_WITH``).

The comparisons are written for the errors children's records carry: a nickname,
preferred name or misspelling for the given name, a misspelt or second (hyphenated)
family name, day and month swapped in the date of birth, a missing NHS number, a move of
address, a young child with no school yet. Evidence that travels together is one
comparison, so it counts once: household, family member, address and postcode are
"home"; school and GP practice are one. The m-probabilities (how often a field agrees
for the same child) are set from those error rates; the u-probabilities of exact
agreement (how often two children agree by chance) are counted from the store's own
children when it holds at least ``MEASURE_MIN_CHILDREN``, else taken as set. The prior
that two records are one child assumes ``EXPECTED_DUPLICATE_RATE`` of records are
second records. Nothing is fitted to known answers.

A rule sits on top of the linkage, because twins share a date of birth, parents,
household, school and GP practice and so score as one child. Two records are two
children, whatever the score, when both hold NHS numbers and these differ; or, within
one family (a shared household or family member), when their given names clearly differ
(not equal, not misspelt, not one a short form of the other or a recorded preferred
name), their middle names (both recorded) differ, or their dates of birth could not be
one child's; and, unless they hold the same NHS number, when their given names are not
one name (:func:`one_given_name`). So Harry and Harrison, or Catherine and Katherine,
born to one mother on one day are twins, since Harry and Katherine are names children
are given in their own right, while Liz beside Elizabeth is Elizabeth recorded by her
nickname. Such pairs are set aside, counted by reason, never reported; a reported pair
within one family says in ``sibling_check`` why it was not taken for two children. The
cost falls on a second record made under a familiar form that is also a name (Harry for
Harrison) and without the NHS number: it is not reported.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from tacgraph.errors import InvalidArgument, NotFound
from tacgraph.schema import graph_schema
from tacgraph.store.base import Row, Store

if TYPE_CHECKING:
    import pandas as pd
    from splink import Linker

# pandas and Splink are imported where the linkage runs, not with the module: together
# they take about half a second to import, which every command of the CLI paid when
# the module was imported with it (lookups, imports, audits that never link records).

DEFAULT_MIN_PROBABILITY = 0.9
# Below this many children the u-probabilities are taken as set, not counted: so few
# records say little about how often two children agree by chance.
MEASURE_MIN_CHILDREN = 1_000
# The share of records expected to be a second record of a child already held, used for
# the prior probability that two records are the same child.
EXPECTED_DUPLICATE_RATE = 0.01
_EDGES = (
    ("household", "dup_households", "household_id"),
    ("school", "dup_schools", "school_id"),
    ("gp_practice", "dup_gp_practices", "gp_practice_id"),
)

Progress = Callable[[str, int], None]


# --------------------------------------------------------------------------- results


class DuplicatePair(BaseModel):
    """Two child records that are probably one child, and why."""

    model_config = ConfigDict(frozen=True)
    child_id: str
    other_id: str
    probability: float
    agreed: list[str]
    shared: list[str]
    sibling_check: str | None = None
    """For two records of one family: why they are one child, not twins or siblings."""


class DuplicateCluster(BaseModel):
    """Records linked (directly or through one another) into one probable child."""

    model_config = ConfigDict(frozen=True)
    child_ids: list[str]
    open_caf_ids: list[str]


class SeveralOpenCafs(BaseModel):
    """One child record with more than one open CAF."""

    model_config = ConfigDict(frozen=True)
    child_id: str
    caf_ids: list[str]


class DuplicateReport(BaseModel):
    """The duplicate audit: probable duplicate pairs, their clusters, and the CAFs that
    are open more than once for one child."""

    as_of: date
    children: int
    min_probability: float
    u_measured: bool
    pairs: list[DuplicatePair]
    clusters: list[DuplicateCluster]
    duplicate_cafs: list[DuplicateCluster]
    several_open_cafs: list[SeveralOpenCafs]
    set_aside: dict[str, int]


# --------------------------------------------------------------------------- names

# Formal names and the short forms and nicknames they go by in England. A short form may
# belong to several (Alex: Alexander, Alexandra); two names are nicknames of one another
# when they share a group.
_NICKNAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("abigail", "abi", "abby", "abbie", "gail"),
    ("adam", "ade"),
    ("adrian", "ade"),
    ("albert", "al", "bert", "albie", "bertie"),
    ("alexander", "alex", "alec", "xander", "sandy", "sasha", "lex", "alfie"),
    ("alexandra", "alex", "alexa", "lexi", "lexie", "sandra", "sasha", "ali"),
    ("alfred", "alf", "alfie", "fred", "freddie"),
    ("alice", "ali", "allie"),
    ("alison", "ali", "allie"),
    ("amelia", "millie", "amy", "mia", "melia"),
    ("andrew", "andy", "drew"),
    ("angela", "angie"),
    ("anthony", "tony", "ant"),
    ("archibald", "archie", "archy"),
    ("arthur", "art", "artie"),
    ("barbara", "barbie", "babs"),
    ("benjamin", "ben", "benny", "benji"),
    ("bethany", "beth"),
    ("bradley", "brad"),
    ("callum", "cal"),
    ("cameron", "cam"),
    ("camilla", "millie", "milly", "cam"),
    ("caroline", "carrie", "caz"),
    ("catherine", "cathy", "kate", "katie", "cat", "cath", "kay"),
    ("charles", "charlie", "chas", "chuck", "chaz"),
    ("charlotte", "charlie", "lottie", "lotte", "char"),
    ("christina", "chris", "tina", "christie"),
    ("christine", "chris", "tina", "chrissie"),
    ("christopher", "chris", "kit", "topher"),
    ("cornelius", "neil", "connie"),
    ("daniel", "dan", "danny"),
    ("danielle", "dani", "elle"),
    ("david", "dave", "davey", "davy"),
    ("deborah", "debbie", "deb"),
    ("dominic", "dom"),
    ("donald", "don", "donnie"),
    ("dorothy", "dot", "dolly", "dottie"),
    ("douglas", "doug", "dougie"),
    ("edward", "ed", "eddie", "ted", "teddy", "ned"),
    ("edmund", "ed", "eddie", "ned"),
    ("eleanor", "ellie", "nell", "nellie", "elle", "nora"),
    ("elizabeth", "liz", "lizzie", "lizzy", "beth", "betty", "eliza", "libby", "bess", "elsie"),
    ("ellen", "ellie", "nell"),
    ("emily", "em", "emmy", "millie"),
    ("emma", "em", "emmy"),
    ("evelyn", "evie", "eve"),
    ("florence", "flo", "florrie", "flossie"),
    ("francesca", "fran", "frankie", "chesca"),
    ("frances", "fran", "frankie", "fanny"),
    ("francis", "frank", "frankie"),
    ("frederick", "fred", "freddie", "freddy", "rick"),
    ("gabriel", "gabe"),
    ("gabrielle", "gabby", "gabi", "elle"),
    ("georgina", "georgie", "gina"),
    ("george", "georgie"),
    ("gregory", "greg"),
    ("hannah", "han", "annie"),
    ("harold", "harry", "hal"),
    ("harriet", "hattie", "harry"),
    ("harrison", "harry"),
    ("henry", "harry", "hal", "hank"),
    ("isaac", "zac", "ike"),
    ("isabel", "izzy", "bella", "belle", "issy"),
    ("isabella", "izzy", "bella", "belle", "issy"),
    ("isabelle", "izzy", "bella", "belle", "issy"),
    ("jacob", "jake", "jakey"),
    ("james", "jim", "jimmy", "jamie", "jem"),
    ("jennifer", "jen", "jenny", "jenna"),
    ("jessica", "jess", "jessie"),
    ("joanna", "jo", "jojo"),
    ("john", "jack", "johnny", "jon"),
    ("jonathan", "jon", "jonny", "johnny", "nathan"),
    ("joseph", "joe", "joey", "jos"),
    ("josephine", "josie", "jo", "jojo"),
    ("joshua", "josh"),
    ("julia", "jules"),
    ("julian", "jules"),
    ("katherine", "kate", "katie", "kathy", "kath", "kat", "kay", "kitty"),
    ("kathleen", "kath", "kathy", "kate"),
    ("kenneth", "ken", "kenny"),
    ("lawrence", "laurie", "larry"),
    ("leonard", "leo", "len", "lenny"),
    ("lewis", "lew", "lou"),
    ("louis", "lou", "louie"),
    ("louise", "lou", "lulu"),
    ("lucinda", "lucy", "cindy"),
    ("madeleine", "maddie", "maddy"),
    ("madison", "maddie", "maddy"),
    ("margaret", "maggie", "meg", "peggy", "madge", "greta", "daisy"),
    ("matilda", "tilly", "tillie", "mattie"),
    ("matthew", "matt", "matty"),
    ("maximilian", "max"),
    ("maxwell", "max"),
    ("megan", "meg"),
    ("michael", "mike", "mikey", "mick", "micky", "mickey"),
    ("natalie", "nat", "tally"),
    ("natasha", "tasha", "tash", "nat"),
    ("nathan", "nate", "nat"),
    ("nathaniel", "nate", "nat", "nathan"),
    ("nicholas", "nick", "nicky", "nico"),
    ("nicola", "nicky", "nikki"),
    ("oliver", "ollie", "olly"),
    ("olivia", "liv", "livvy", "livvie", "ollie"),
    ("patricia", "pat", "patty", "trish", "tricia"),
    ("patrick", "pat", "paddy"),
    ("penelope", "penny", "pen"),
    ("peter", "pete"),
    ("philip", "phil", "pip"),
    ("phillip", "phil", "pip"),
    ("rebecca", "becky", "becca", "bex"),
    ("richard", "rich", "richie", "ricky", "rick", "dick"),
    ("robert", "rob", "robbie", "bob", "bobby", "bert"),
    ("ronald", "ron", "ronnie"),
    ("rosemary", "rosie", "rose"),
    ("samantha", "sam", "sammy", "sammie"),
    ("samuel", "sam", "sammy", "sammie"),
    ("sarah", "sally", "sadie"),
    ("sophia", "sophie", "sophy"),
    ("stanley", "stan"),
    ("stephanie", "steph", "stevie"),
    ("stephen", "steve", "stevie"),
    ("steven", "steve", "stevie"),
    ("susan", "sue", "susie", "suzy"),
    ("theodore", "theo", "ted", "teddy"),
    ("thomas", "tom", "tommy"),
    ("timothy", "tim", "timmy"),
    ("tobias", "toby"),
    ("victoria", "vicky", "vikki", "tori", "vic"),
    ("william", "will", "bill", "billy", "willie", "liam"),
    ("zachary", "zach", "zack", "zak", "zac"),
    ("muhammad", "mohammed", "mohammad", "mohamed", "mo"),
    ("aleksander", "olek", "olus"),
    ("katarzyna", "kasia"),
    ("malgorzata", "gosia"),
    ("zuzanna", "zuzia"),
    ("jakub", "kuba"),
    ("aleksandra", "ola"),
)


# Familiar forms that are also names children are registered under in their own right:
# the short forms above that stand as names in the ONS's yearly top hundred baby names for
# England and Wales since 1996 (a curated list: keep it in step with those tables). A
# short form outside it (Liz, Mo, Becky) on a record is a nickname; one inside it (Harry,
# Millie, Alfie) may be a twin's own name.
_NAMES_IN_THEIR_OWN_RIGHT = frozenset(
    {
        "abbie", "albie", "alex", "alfie", "ali", "amy", "annie", "archie", "bella", "ben",
        "billy", "bobby", "charlie", "connie", "daisy", "eddie", "eliza", "ellie", "elsie",
        "eve", "evie", "frankie", "freddie", "harry", "jack", "jake", "jamie", "joe",
        "katie", "leo", "lexi", "liam", "libby", "lottie", "louie", "lucy", "max", "mia",
        "millie", "mohamed", "mohammad", "mohammed", "nathan", "ollie", "ronnie", "rose",
        "rosie", "sam", "sophie", "teddy", "theo", "tilly", "toby", "tommy",
    }
)  # fmt: skip


def _formal_names() -> dict[str, frozenset[str]]:
    """For each short form, the formal names it is a short form of."""
    heads: dict[str, set[str]] = defaultdict(set)
    for formal, *short in _NICKNAME_GROUPS:
        for name in short:
            heads[name].add(formal)
    return {name: frozenset(formal) for name, formal in heads.items()}


_FORMAL = _formal_names()
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"})


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
    person's when either's given name is among the other's forms."""
    forms: set[str] = set()
    for name in names:
        word = normalise_name(name)
        if word:
            forms.add(word)
            forms.update(_FORMAL.get(word, ()))
    return sorted(forms)


def _damerau(a: str, b: str) -> int:
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
    apart, or two for names of seven letters or more. The same test as the linkage's
    "misspelt" levels."""
    distance = _damerau(a, b)
    return distance <= 1 or (distance <= 2 and min(len(a), len(b)) >= 7)


def _misspelt_sql(column: str) -> str:
    distance = f"damerau_levenshtein({column}_l, {column}_r)"
    shortest = f"least(length({column}_l), length({column}_r))"
    return f"{distance} <= 1 OR ({distance} <= 2 AND {shortest} >= 7)"


def given_names_clearly_differ(
    a: str | None, b: str | None, a_preferred: str | None = None, b_preferred: str | None = None
) -> bool:
    """Whether two given names belong to two different people: both known, and neither
    equal, nor misspelt (:func:`misspelt`), nor one the start of the other, nor one a
    short form of the other or a recorded preferred name. Two formal names that share a
    short form (Henry and Harrison, both Harry) do clearly differ."""
    x, y = normalise_name(a), normalise_name(b)
    if x is None or y is None:
        return False
    if x == y or misspelt(x, y):
        return False
    if min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)):
        return False
    return y not in name_forms(a, a_preferred) and x not in name_forms(b, b_preferred)


def one_given_name(
    a: str | None, b: str | None, a_preferred: str | None = None, b_preferred: str | None = None
) -> str | None:
    """How two given names are one child's name, or None when they are two names.

    They are one name when equal (folded by :func:`normalise_name`), when one is the
    preferred name recorded with the other, or when one is a familiar form of the other
    that is not also a name given in its own right (Liz for Elizabeth; but Harry is a
    name, so Harry and Harrison are two). A misspelling is two names here: Catherine and
    Katherine are both names. An unknown name could be the other."""
    x, y = normalise_name(a), normalise_name(b)
    if x is None or y is None:
        return "a given name is not recorded"
    if x == y:
        return "the same given name"
    if y == normalise_name(a_preferred) or x == normalise_name(b_preferred):
        return "one given name is the other record's preferred name"
    for short, formal in ((x, y), (y, x)):
        if formal in _FORMAL.get(short, ()) and short not in _NAMES_IN_THEIR_OWN_RIGHT:
            return f"{short} is a nickname of {formal}, not a name in its own right"
    return None


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class _Child:
    id: str
    given: str | None
    preferred: str | None
    middle: str | None
    nhs: str | None
    household_id: str | None
    family_ids: frozenset[str]
    school_id: str | None
    gp_practice_id: str | None
    born: date | None
    unborn: bool


def _dob_key(value: date | None) -> str | None:
    """The date of birth with day and month in order of size: equal for a date and the
    same date with day and month swapped."""
    if value is None:
        return None
    low, high = sorted((value.day, value.month))
    return f"{value.year:04d}-{low:02d}-{high:02d}"


def _postcode(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    compact = value.replace(" ", "").upper()
    return compact, compact[:-2]  # the sector: outward code and the inward digit


def _address(value: str | None) -> str | None:
    if not value:
        return None
    text = "".join(ch if ch.isalnum() else " " for ch in value.lower())
    return " ".join(text.split()) or None


def _frame(
    rows: Sequence[Row], links: Mapping[str, Mapping[str, Any]], probe: str | None = None
) -> pd.DataFrame:
    """The linkage table: one row per child, with the derived comparison columns (and,
    when one child is being matched, which row is that child)."""
    import pandas as pd

    records: list[dict[str, Any]] = []
    for row in rows:
        cid = str(row["id"])
        link = links.get(cid, {})
        born = row.get("date_of_birth") or row.get("expected_date")
        family = normalise_name(row.get("family_name"))
        postcode, sector = _postcode(row.get("postcode"))
        gender = row.get("gender")
        records.append(
            {
                "unique_id": cid,
                "given": normalise_name(row.get("given_name")),
                "given_forms": name_forms(row.get("given_name"), row.get("preferred_name")) or None,
                "middle": normalise_name(row.get("middle_names")),
                "family": family,
                "family_tokens": sorted(set(family.split())) if family else None,
                "family_first": family.split()[0] if family else None,
                "family_last": family.split()[-1] if family else None,
                "dob": born.isoformat() if born else None,
                "dob_key": _dob_key(born),
                "gender": gender if gender in ("female", "male") else None,
                "nhs": row.get("nhs_number"),
                "postcode": postcode,
                "sector": sector,
                "address": _address(row.get("address_line")),
                "household_id": link.get("household_id"),
                "family_ids": sorted(link.get("family_ids", ())) or None,
                "school_id": link.get("school_id"),
                "gp_practice_id": link.get("gp_practice_id"),
            }
        )
    columns = [
        "unique_id",
        "given",
        "given_forms",
        "middle",
        "family",
        "family_tokens",
        "family_first",
        "family_last",
        "dob",
        "dob_key",
        "gender",
        "nhs",
        "postcode",
        "sector",
        "address",
        "household_id",
        "family_ids",
        "school_id",
        "gp_practice_id",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    if probe is not None:
        frame["probe"] = frame["unique_id"] == probe
    return frame


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Level:
    """One comparison level: the SQL condition, the evidence it is (None: the fields
    disagree), how often the same child reaches it (m) and two children do (u, as set;
    measured from the data where a frequency count can)."""

    sql: str
    evidence: str | None
    m: float
    u: float


def _jw(column: str, at: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {at}"


def _eq(column: str) -> str:
    return f"{column}_l = {column}_r"


def _null(*columns: str) -> str:
    def side(s: str) -> str:
        return " AND ".join(f"{c}_{s} IS NULL" for c in columns)

    return f"({side('l')}) OR ({side('r')})"


def _shares(column: str) -> str:
    return f"len(list_intersect({column}_l, {column}_r)) >= 1"


def _one_of_two_names() -> str:
    near = [
        _jw("family_first", 0.9),
        _jw("family_last", 0.9),
        "jaro_winkler_similarity(family_first_l, family_last_r) >= 0.9",
        "jaro_winkler_similarity(family_last_l, family_first_r) >= 0.9",
    ]
    return " OR ".join([_shares("family_tokens"), *near])


# Each comparison: its name, the columns whose absence makes it uninformative, and its
# levels from the strongest agreement down. The m-probabilities are the error rates of
# children's records as agencies enter them: a nickname for about one record in twelve,
# a misspelt or second family name, day and month swapped, a move of address.
_MODEL: tuple[tuple[str, tuple[str, ...], tuple[_Level, ...]], ...] = (
    (
        "given_name",
        ("given",),
        (
            _Level(_eq("given"), "given name", 0.86, 0.01),
            _Level(
                "list_contains(given_forms_l, given_r) OR list_contains(given_forms_r, given_l)",
                "given name (nickname or preferred name)",
                0.08,
                0.002,
            ),
            _Level(_misspelt_sql("given"), "given name (misspelt)", 0.03, 0.002),
            _Level("ELSE", None, 0.03, 0.986),
        ),
    ),
    (
        "middle_names",
        ("middle",),
        (
            _Level(_eq("middle"), "middle names", 0.95, 0.01),
            _Level(_misspelt_sql("middle"), "middle names (misspelt)", 0.03, 0.002),
            _Level("ELSE", None, 0.02, 0.988),
        ),
    ),
    (
        "family_name",
        ("family",),
        (
            _Level(_eq("family"), "family name", 0.85, 0.006),
            _Level(_misspelt_sql("family"), "family name (misspelt)", 0.07, 0.002),
            _Level(_one_of_two_names(), "family name (one of two)", 0.06, 0.001),
            _Level("ELSE", None, 0.02, 0.989),
        ),
    ),
    (
        "date_of_birth",
        ("dob",),
        (
            _Level(_eq("dob"), "date of birth", 0.9, 0.0002),
            _Level(_eq("dob_key"), "date of birth (day and month swapped)", 0.05, 0.0001),
            _Level(
                "damerau_levenshtein(dob_l, dob_r) <= 1", "date of birth (one digit)", 0.03, 0.004
            ),
            _Level("ELSE", None, 0.02, 0.9957),
        ),
    ),
    (
        "nhs_number",
        ("nhs",),
        (
            _Level(_eq("nhs"), "NHS number", 0.98, 1e-6),
            _Level("ELSE", None, 0.02, 0.999999),
        ),
    ),
    (
        "sex",
        ("gender",),
        (
            _Level(_eq("gender"), "sex", 0.98, 0.5),
            _Level("ELSE", None, 0.02, 0.5),
        ),
    ),
    (
        "home",
        ("household_id", "family_ids", "postcode"),
        (
            _Level(_eq("household_id"), "household", 0.7, 0.0001),
            _Level(_shares("family_ids"), "parent or carer", 0.1, 0.0001),
            _Level(f"{_eq('postcode')} AND {_eq('address')}", "address", 0.03, 0.0001),
            _Level(_eq("postcode"), "postcode", 0.02, 0.0005),
            _Level(
                f"{_eq('sector')} OR {_jw('address', 0.92)}",
                "postcode sector or similar address",
                0.05,
                0.02,
            ),
            _Level("ELSE", None, 0.1, 0.9793),
        ),
    ),
    (
        "school_and_gp",
        ("gp_practice_id",),
        (
            _Level(
                f"{_eq('school_id')} AND {_eq('gp_practice_id')}",
                "school and GP practice",
                0.63,
                0.001,
            ),
            _Level(
                f"{_eq('gp_practice_id')} AND (school_id_l IS NULL OR school_id_r IS NULL)",
                "GP practice (school not known)",
                0.3,
                0.01,
            ),
            _Level(_eq("gp_practice_id"), "GP practice", 0.03, 0.02),
            _Level(_eq("school_id"), "school", 0.02, 0.02),
            _Level("ELSE", None, 0.02, 0.949),
        ),
    ),
)

_BLOCKING = (
    ("dob_key", "given"),
    ("dob_key", "family"),
    ("dob_key", "gp_practice_id"),
    ("dob_key", "postcode"),
    ("nhs",),
    ("given", "family"),
    ("household_id",),
)


def _agreement(frame: pd.DataFrame, *columns: str) -> float:
    """The chance two records picked at random agree on ``columns`` (both known)."""
    known = frame.dropna(subset=list(columns))
    if len(known) < 2:
        return 0.0
    shares = known.groupby(list(columns)).size() / len(known)
    return float((shares * shares).sum())


def _measured_u(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """u-probabilities of the exact-agreement levels, counted from the records: for
    each level, how often two different children agree there by chance."""

    def family_share() -> float:
        members = frame["family_ids"].dropna().explode()
        if members.empty:
            return 0.0
        sizes = members.value_counts()
        n = len(frame)
        return float((sizes * (sizes - 1)).sum() / max(1, n * (n - 1)))

    dob = _agreement(frame, "dob")
    household = _agreement(frame, "household_id")
    address = _agreement(frame, "postcode", "address")
    postcode = _agreement(frame, "postcode")
    # For two records both at a school (a share ``at_school`` of pairs), how often they
    # share school and GP practice, or the GP practice alone; otherwise, the practice.
    with_school = frame.dropna(subset=["school_id"])
    at_school = (len(with_school) / max(1, len(frame))) ** 2
    both = _agreement(with_school, "school_id", "gp_practice_id")
    gp_at_school = _agreement(with_school, "gp_practice_id")
    gp = _agreement(frame, "gp_practice_id")
    tiny = 1e-7
    return {
        "given_name": {"given name": max(tiny, _agreement(frame, "given"))},
        "family_name": {"family name": max(tiny, _agreement(frame, "family"))},
        "date_of_birth": {
            "date of birth": max(tiny, dob),
            "date of birth (day and month swapped)": max(tiny, _agreement(frame, "dob_key") - dob),
        },
        "nhs_number": {"NHS number": max(tiny, _agreement(frame, "nhs"))},
        "sex": {"sex": max(tiny, _agreement(frame, "gender"))},
        "home": {
            "household": max(tiny, household),
            "parent or carer": max(tiny, family_share()),
            "address": max(tiny, address - household),
            "postcode": max(tiny, postcode - address),
            "postcode sector or similar address": max(tiny, _agreement(frame, "sector") - postcode),
        },
        "middle_names": {"middle names": max(tiny, _agreement(frame, "middle"))},
        "school_and_gp": {
            "school and GP practice": max(tiny, at_school * both),
            "GP practice (school not known)": max(tiny, (1 - at_school) * gp),
            "GP practice": max(tiny, at_school * (gp_at_school - both)),
            "school": max(tiny, at_school * (_agreement(frame, "school_id") - both)),
        },
    }


def _comparisons(measured: Mapping[str, Mapping[str, float]]) -> list[Any]:
    """Splink comparisons from the model, with measured u-probabilities in place of the
    set ones where given; each else level takes what the others leave."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    out: list[Any] = []
    for name, null_columns, levels in _MODEL:
        override = measured.get(name, {})
        agreeing = {lv.evidence: override.get(lv.evidence or "", lv.u) for lv in levels}
        rest = max(1e-6, 1.0 - sum(u for ev, u in agreeing.items() if ev is not None))
        creators: list[Any] = [
            cll.CustomLevel(_null(*null_columns), f"{name} unknown").configure(is_null_level=True)
        ]
        for level in levels:
            if level.evidence is None:
                creators.append(
                    cll.ElseLevel().configure(m_probability=level.m, u_probability=rest)
                )
            else:
                creators.append(
                    cll.CustomLevel(level.sql, level.evidence).configure(
                        m_probability=level.m, u_probability=agreeing[level.evidence]
                    )
                )
        out.append(cl.CustomComparison(creators, output_column_name=name))
    return out


# The evidence each agreeing level stands for, by comparison and level (gamma) value:
# Splink numbers a comparison's levels from the else level (0) up; unknown is -1.
_AGREED: dict[str, dict[int, str]] = {
    name: {
        len(levels) - 1 - i: level.evidence
        for i, level in enumerate(levels)
        if level.evidence is not None
    }
    for name, _, levels in _MODEL
}


def _prior_match_probability(children: int) -> float:
    pairs = max(1.0, children * (children - 1) / 2)
    return min(0.5, EXPECTED_DUPLICATE_RATE * max(children, 2) / pairs)


def _linker(
    frame: pd.DataFrame,
    children: int,
    blocking: Sequence[Any],
    measured: Mapping[str, Mapping[str, float]],
) -> Linker:
    from splink import DuckDBAPI, Linker, SettingsCreator

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(measured),
        blocking_rules_to_generate_predictions=list(blocking),
        probability_two_random_records_match=_prior_match_probability(children),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
    )
    return Linker(DuckDBAPI().register(frame), settings, log_level=None)


@contextmanager
def _quiet() -> Iterator[None]:
    """Splink reports its progress on its loggers; keep that off the terminal."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _score(
    frame: pd.DataFrame,
    children: int,
    min_probability: float,
    *,
    blocking: Sequence[Any] | None = None,
    measure_u: bool = False,
) -> pd.DataFrame:
    """Scored candidate pairs at or above ``min_probability``: the two ids, the match
    probability and the level each comparison reached (``gamma_<comparison>``)."""
    from splink import block_on

    rules = [block_on(*cols) for cols in _BLOCKING] if blocking is None else blocking
    measured = _measured_u(frame) if measure_u else {}
    with _quiet():
        linker = _linker(frame, children, rules, measured)
        found = linker.inference.predict(
            threshold_match_probability=min_probability, warning_mode="never"
        )
        scored: pd.DataFrame = found.as_pandas_dataframe()  # type: ignore[no-untyped-call]
        found.drop_table_from_database_and_remove_from_cache()
    return scored


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return sorted(sorted(group) for group in out.values())


def _shared(a: _Child, b: _Child) -> list[str]:
    shared: list[str] = []
    if a.household_id and a.household_id == b.household_id:
        shared.append(f"household {a.household_id}")
    shared += [f"family member {f}" for f in sorted(a.family_ids & b.family_ids)]
    if a.school_id and a.school_id == b.school_id:
        shared.append(f"school {a.school_id}")
    if a.gp_practice_id and a.gp_practice_id == b.gp_practice_id:
        shared.append(f"GP practice {a.gp_practice_id}")
    return shared


def _one_family(a: _Child, b: _Child) -> bool:
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
    return _dob_key(a) == _dob_key(b) or _damerau_one(a.isoformat(), b.isoformat())


def sibling_check(a: _Child, b: _Child) -> str | None:
    """For two records of one family, why they are one child and not twins or siblings:
    the same NHS number, or given names that are one name (:func:`one_given_name`).
    None when they are two children, and when the question does not arise (not one
    family)."""
    if not _one_family(a, b):
        return None
    if a.nhs and a.nhs == b.nhs:
        return "the same NHS number"
    return one_given_name(a.given, b.given, a.preferred, b.preferred)


def two_children(a: _Child, b: _Child) -> str | None:
    """The rule on top of the linkage: why two records are certainly two children, or
    None. Two valid NHS numbers that differ are two people. Within one family (a shared
    household or family member) twins and siblings share nearly everything, so there
    the records are two children when their given names clearly differ
    (:func:`given_names_clearly_differ`); when their given names are not one name
    (:func:`one_given_name`: Harry and Harrison born on one day are twins, where Liz and
    Elizabeth are one girl) and they do not hold the same NHS number; when their middle
    names (both recorded) clearly differ; or when their dates of birth could not be one
    child's."""
    if a.nhs and b.nhs and a.nhs != b.nhs:
        return "different NHS numbers"
    if not _one_family(a, b):
        return None
    if given_names_clearly_differ(a.given, b.given, a.preferred, b.preferred):
        return "one family, different given names"
    if sibling_check(a, b) is None:
        return "one family, given names not one name"
    x, y = normalise_name(a.middle), normalise_name(b.middle)
    if x and y and x != y and not misspelt(x, y):
        return "one family, different middle names"
    if not dates_could_be_one_birth(a.born, b.born, a.unborn or b.unborn):
        return "one family, different dates of birth"
    return None


def _pairs(
    scored: pd.DataFrame, children: Mapping[str, _Child]
) -> tuple[list[DuplicatePair], dict[str, int]]:
    """The scored pairs as results, less those the rule says are two children; and how
    many were set aside, by reason."""
    pairs: list[DuplicatePair] = []
    set_aside: dict[str, int] = {}
    gammas = [c for c in scored.columns if c.startswith("gamma_")]
    for row in scored.to_dict("records"):
        left, right = sorted((str(row["unique_id_l"]), str(row["unique_id_r"])))
        a, b = children[left], children[right]
        reason = two_children(a, b)
        if reason is not None:
            set_aside[reason] = set_aside.get(reason, 0) + 1
            continue
        agreed = []
        for column in gammas:
            label = _AGREED.get(column[len("gamma_") :], {}).get(int(row[column]))
            if label:
                agreed.append(label)
        probability = float(row["match_probability"])
        pairs.append(
            DuplicatePair(
                child_id=left,
                other_id=right,
                probability=round(probability, 6) if math.isfinite(probability) else 1.0,
                agreed=agreed,
                shared=_shared(a, b),
                sibling_check=sibling_check(a, b),
            )
        )
    pairs.sort(key=lambda p: (p.child_id, p.other_id))
    return pairs, set_aside


def _children(rows: Sequence[Row], links: Mapping[str, Mapping[str, Any]]) -> dict[str, _Child]:
    out: dict[str, _Child] = {}
    for row in rows:
        cid = str(row["id"])
        link = links.get(cid, {})
        out[cid] = _Child(
            id=cid,
            given=row.get("given_name"),
            preferred=row.get("preferred_name"),
            middle=row.get("middle_names"),
            nhs=row.get("nhs_number"),
            household_id=link.get("household_id"),
            family_ids=frozenset(link.get("family_ids", ())),
            school_id=link.get("school_id"),
            gp_practice_id=link.get("gp_practice_id"),
            born=row.get("date_of_birth") or row.get("expected_date"),
            unborn=row.get("date_of_birth") is None,
        )
    return out


def _add_family(links: dict[str, dict[str, Any]], rows: Iterable[Row]) -> None:
    for row in rows:
        links[str(row["child_id"])].setdefault("family_ids", set()).add(
            str(row["family_member_id"])
        )


def check_probability(value: float) -> None:
    """Raises InvalidInput unless ``value`` is a probability strictly between 0 and 1."""
    if not 0.0 < value < 1.0:
        raise InvalidArgument(f"--min-probability {value} is not between 0 and 1")


def find_duplicates(
    store: Store,
    as_of: date,
    *,
    min_probability: float = DEFAULT_MIN_PROBABILITY,
    progress: Progress | None = None,
) -> DuplicateReport:
    """The duplicate audit of every child in ``store`` on ``as_of``.

    Returns the probable duplicate pairs (probability at least ``min_probability``) with
    their evidence, the clusters they form, the clusters in which more than one record
    holds an open CAF (duplicate CAFs), and the records with more than one open CAF.
    Raises InvalidInput for a probability outside (0, 1); StoreError when the engine
    fails.
    """
    check_probability(min_probability)
    step = progress or (lambda phase, done: None)
    rows = store.query("dup_children")
    step("read children", len(rows))
    links: dict[str, dict[str, Any]] = defaultdict(dict)
    for key, query, column in _EDGES:
        for row in store.query(query):
            links[str(row["child_id"])][column] = row[column]
        step(f"read {key} links", len(rows))
    _add_family(links, store.query("dup_family"))
    step("read family links", len(rows))
    children = _children(rows, links)
    measure_u = len(rows) >= MEASURE_MIN_CHILDREN
    pairs: list[DuplicatePair] = []
    set_aside: dict[str, int] = {}
    if len(rows) >= 2:
        scored = _score(_frame(rows, links), len(rows), min_probability, measure_u=measure_u)
        step("scored pairs", len(scored))
        pairs, set_aside = _pairs(scored, children)
    open_cafs: dict[str, list[str]] = defaultdict(list)
    for row in store.query("dup_open_cafs", {"as_of": as_of}):
        open_cafs[str(row["child_id"])].append(str(row["caf_id"]))
    groups = _UnionFind()
    for pair in pairs:
        groups.union(pair.child_id, pair.other_id)
    clusters = [
        DuplicateCluster(
            child_ids=group,
            open_caf_ids=sorted(caf for cid in group for caf in open_cafs.get(cid, [])),
        )
        for group in groups.groups()
    ]
    duplicate_cafs = [
        c for c in clusters if sum(1 for cid in c.child_ids if open_cafs.get(cid)) >= 2
    ]
    several = [
        SeveralOpenCafs(child_id=cid, caf_ids=sorted(cafs))
        for cid, cafs in sorted(open_cafs.items())
        if len(cafs) >= 2
    ]
    return DuplicateReport(
        as_of=as_of,
        children=len(rows),
        min_probability=min_probability,
        u_measured=measure_u,
        pairs=pairs,
        clusters=clusters,
        duplicate_cafs=duplicate_cafs,
        several_open_cafs=several,
        set_aside=dict(sorted(set_aside.items())),
    )


def _swapped(value: date) -> date | None:
    if value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


def probable_duplicates_of(
    store: Store, child_id: str, *, min_probability: float = DEFAULT_MIN_PROBABILITY
) -> list[DuplicatePair]:
    """The records that are probably the same child as ``child_id``, best first.

    Candidates are the records sharing a date of birth (or the same with day and month
    swapped), an NHS number, or given and family names with it, or a household or
    family member;
    each is scored with the model's set parameters (one child gives no population to
    estimate them from). Twins and siblings are never returned. Raises NotFound for an
    unknown child; InvalidInput for a probability outside (0, 1); StoreError.
    """
    check_probability(min_probability)
    found = store.nodes_by_id("Child", [child_id])
    if child_id not in found:
        raise NotFound(f"no child {child_id!r}")
    row = found[child_id]
    born = row.get("date_of_birth") or row.get("expected_date")
    dates = [d for d in (born, _swapped(born) if born else None) if d is not None]
    ids: set[str] = set()
    for query, params in (
        ("dup_candidates", {"child_id": child_id, "dates": dates}),
        ("dup_candidates_household", {"child_id": child_id}),
        ("dup_candidates_family", {"child_id": child_id}),
    ):
        ids.update(str(r["id"]) for r in store.query(query, params))
    ids.discard(child_id)
    if not ids:
        return []
    every = sorted(ids | {child_id})
    nodes = store.nodes_by_id("Child", every)
    rows = [nodes[cid] for cid in every if cid in nodes]
    links: dict[str, dict[str, Any]] = defaultdict(dict)
    wanted = {column for _, _, column in _EDGES}
    for edge in graph_schema().edges_from("Child"):
        if edge.field in wanted:
            for source, target, _ in store.edges_from(edge, every):
                links[source][edge.field] = target
    _add_family(links, store.query("dup_family_of", {"child_ids": every}))
    population = int(store.query("dup_children_count")[0]["children"])
    children = _children(rows, links)
    # Score this child against every candidate.
    frame = _frame(rows, links, probe=child_id)
    scored = _score(frame, population, min_probability, blocking=["l.probe OR r.probe"])
    pairs, _ = _pairs(scored, children)
    mine = [
        p
        if p.child_id == child_id
        else p.model_copy(update={"child_id": child_id, "other_id": p.child_id})
        for p in pairs
        if child_id in (p.child_id, p.other_id)
    ]
    return sorted(mine, key=lambda p: (-p.probability, p.other_id))
