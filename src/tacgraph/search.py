"""Finding a child: by name (tolerant of spelling and of nicknames), date of birth or
age, postcode or NHS number, as ContactPoint's search was. The parts of a name
(James-Bailey, Mary-Jane, O'Neill) may be typed as held, spaced or run together; a
family name given in part finds the child, after a child whose whole family name was given.

A result shows only what tells children apart: name, age, gender and locality (the
postcode district); a shielded child's locality is never shown. Every search, answered
or refused, is written to the access log (read path ``search``), with the children it
showed. Only a practitioner trained and authorised to use the directory may search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache

import jellyfish
from pydantic import BaseModel

from tacgraph import audit, dates, gate
from tacgraph.access import AccessDenied, authorise
from tacgraph.errors import InvalidArgument
from tacgraph.rows.search import (
    SEARCH_CHILDREN,
    SEARCH_CHILDREN_BORN,
    SEARCH_CHILDREN_NAMED,
    SEARCH_CHILDREN_NHS,
    SEARCH_FAMILY_NAMES,
    SEARCH_NAMES,
    SearchChildrenRow,
)
from tacgraph.store.base import Store

MAX_RESULTS = 20
NAME_THRESHOLD = 0.84  # Jaro-Winkler similarity a spelling variant must reach
# The most a family name given in part scores ("Steve Bailey" for Steve James-Bailey):
# the child is found, after a child whose whole family name was given.
PART = 0.95

# Common English given-name variants; each group is one name for the search.
_NICKNAMES = [
    "alexander alex alec sandy xander",
    "alexandra alex alexa sandra lexi",
    "andrew andy drew",
    "anthony tony",
    "benjamin ben benny",
    "catherine katherine kathryn kate katie kath cathy kathy kat",
    "charles charlie chas chuck",
    "charlotte charlie lottie",
    "christopher chris kit",
    "daniel dan danny",
    "david dave davey",
    "deborah debbie debra deb",
    "edward ed eddie ted ned",
    "elizabeth liz lizzie beth betty eliza libby elsie",
    "ellen ellie",
    "eleanor ellie nell nora",
    "frederick fred freddie",
    "gabriel gabe",
    "harold harry hal",
    "henry harry hal",
    "isabel isabella izzy bella",
    "jacob jake",
    "james jim jimmy jamie",
    "jennifer jen jenny",
    "jessica jess jessie",
    "john jack johnny jon",
    "jonathan jon jonny",
    "joseph joe joey",
    "joshua josh",
    "kimberley kimberly kim",
    "lawrence laurence larry laurie",
    "leonard leo len lenny",
    "margaret maggie meg peggy madge",
    "matthew matt",
    "michael mike mick mickey",
    "nathan nate",
    "nathaniel nat nate",
    "nicholas nick nicky",
    "oliver ollie",
    "patricia pat patty trish",
    "patrick pat paddy",
    "rebecca becky becca",
    "richard rich rick ricky dick",
    "robert rob robbie bob bobby bert",
    "robin rob robbie",
    "samantha sam sammy",
    "samuel sam sammy",
    "sarah sara sally sadie",
    "stephen steven steve stevie",
    "susan sue susie suzanne",
    "theodore theo ted teddy",
    "thomas tom tommy",
    "victoria vicky tori",
    "william will bill billy liam willie",
    "zachary zach zack",
]
_GROUPS: dict[str, set[int]] = {}
for _index, _group in enumerate(_NICKNAMES):
    for _name in _group.split():
        _GROUPS.setdefault(_name, set()).add(_index)


class Criteria(BaseModel):
    """What the searcher gave: any of name, date of birth, age, postcode, NHS number."""

    name: str = ""
    date_of_birth: date | None = None
    age: int | None = None
    postcode: str = ""
    nhs_number: str = ""

    def given(self) -> list[str]:
        """The kinds of criterion given, in words (for the access log)."""
        kinds = {
            "name": bool(self.name.strip()),
            "date of birth": self.date_of_birth is not None,
            "age": self.age is not None,
            "postcode": bool(self.postcode.strip()),
            "NHS number": bool(self.nhs_number.strip()),
        }
        return [k for k, v in kinds.items() if v]


class Match(BaseModel):
    """One child found: only what tells children apart."""

    child_id: str
    name: str
    age: int | None
    unborn: bool = False
    gender: str
    locality: str | None  # the postcode district; None for a shielded child
    score: float


class SearchResult(BaseModel):
    criteria: list[str]
    matches: list[Match]
    more: bool = False  # more children matched than are shown: narrow the search


@lru_cache(maxsize=65_536)
def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z ]+", " ", plain.lower()).strip()


def _typed_names(text: str) -> tuple[tuple[str, ...], ...]:
    """The names typed, as they are compared: the text split at spaces (a hyphen or an
    apostrophe joins the parts of one name, spaces around it or not), each name its
    normalised words ("Mary-Jane O'Neill": ("mary", "jane"), ("o", "neill"))."""
    joined = re.sub(r"\s*([-'\u2019\u02bc])\s*", r"\1", text)
    return tuple(words for words in (tuple(normalise(t).split()) for t in joined.split()) if words)


def _postcode(text: str) -> str:
    return re.sub(r"\s+", "", text.upper())


def _district(postcode: str | None) -> str | None:
    if not postcode:
        return None
    parts = postcode.strip().upper().split()
    return parts[0] if len(parts) > 1 else _postcode(postcode)[:-3] or None


@lru_cache(maxsize=262_144)  # names repeat: most comparisons are answered from here
def _name_similarity(wanted: str, held: str) -> float:
    """How alike two single names are: 1 the same, 0.95 nicknames of one name, else
    Jaro-Winkler (with a floor for names that sound alike)."""
    if not wanted or not held:
        return 0.0
    if wanted == held:
        return 1.0
    if _GROUPS.get(wanted, set()) & _GROUPS.get(held, set()):
        return 0.95
    score = jellyfish.jaro_winkler_similarity(wanted, held)
    if jellyfish.metaphone(wanted) == jellyfish.metaphone(held):
        score = max(score, 0.9)
    return score


def _best(word: str, pool: Sequence[str]) -> float:
    return max((_name_similarity(word, held) for held in pool), default=0.0)


@lru_cache(maxsize=65_536)
def _forms(words: tuple[str, ...]) -> tuple[str, ...]:
    """The forms a name of one or more words is compared in: each word, and the words
    run together ("mary", "jane", "maryjane"), so "Maryjane" is Mary-Jane."""
    return words + ("".join(words),) if len(words) > 1 else words


def _may_name(parts: tuple[str, ...], held: tuple[str, ...]) -> bool:
    """Whether a name typed as one (its parts) may match a name held: some form of the
    one like some form of the other (every match :func:`_one_name_score` finds is)."""
    return any(_best(form, _forms(held)) >= NAME_THRESHOLD for form in _forms(parts))


def _family_score(words: Sequence[str], family_words: Sequence[str]) -> float:
    """How well the words taken as the family name match it: each word to its best
    family word (no more words than the name has; fewer, and the name was given in
    part, scoring at most :data:`PART`), or the words run together against the name run
    together ("James Bailey", "JamesBailey", "James-Bailey" alike)."""
    joined = _name_similarity("".join(words), "".join(family_words))
    if len(words) > len(family_words):
        return joined
    each = [_best(word, family_words) for word in words]
    if min(each) < NAME_THRESHOLD:
        return joined
    score = sum(each) / len(each)
    if len(words) < len(family_words):
        score = min(score, PART)
    return max(joined, score)


def _given_forms(row: SearchChildrenRow) -> tuple[str, ...]:
    """The forms the child's given, preferred and middle names are compared in."""
    return tuple(
        form
        for k in ("given_name", "preferred_name", "middle_names")
        for form in _forms(_words(row.get(k)))
    )


def _one_name_score(parts: tuple[str, ...], row: SearchChildrenRow) -> float:
    """How well a name typed as one ("Sally", "Mary-Jane", "O'Neill") matches the
    child, as a given name or as the family name: its parts each to their best given
    name, averaged, or run together against a given name; or as the family name
    (:func:`_family_score`); 0 when none is good enough."""
    given = _given_forms(row)
    each = [_best(part, given) for part in parts]
    as_given = sum(each) / len(each) if min(each) >= NAME_THRESHOLD else 0.0
    best = max(
        as_given,
        _best("".join(parts), given),
        _family_score(parts, _words(row.get("family_name"))),
    )
    return best if best >= NAME_THRESHOLD else 0.0


def _name_score(names: tuple[tuple[str, ...], ...], row: SearchChildrenRow) -> float:
    """How well the names typed match the child's names. One name (of one word or
    several joined by hyphens or apostrophes) may be a given name or the family name
    (:func:`_one_name_score`). Two or more: the best way of reading their words as given
    names followed by a family name of one or more words (or a family name alone), each
    given word to its best given name (a given name of several words run together
    counting as one), averaged; 0 when any word matches nothing well enough."""
    if not names:
        return 0.0
    if len(names) == 1:
        return _one_name_score(names[0], row)
    words = tuple(word for name in names for word in name)
    # Family names repeat from child to child: where no reading of the words matches
    # the family name, no reading matches at all, whatever the given names.
    family = _family_scores(words, _words(row.get("family_name")))
    if max(family) < NAME_THRESHOLD:
        return 0.0
    given_words = _given_forms(row)
    found = 0.0
    for split in range(len(words) - 1, -1, -1):  # the family name is the last words
        scores = [_best(word, given_words) for word in words[:split]]
        if scores and min(scores) < NAME_THRESHOLD:
            continue
        if family[split] < NAME_THRESHOLD:
            continue
        scores += [family[split]] * (len(words) - split)
        found = max(found, sum(scores) / len(scores))
    return found


@lru_cache(maxsize=65_536)
def _words(name: object) -> tuple[str, ...]:
    """A name as it is compared: normalised words (none for no name)."""
    return tuple(normalise(str(name)).split()) if name else ()


@lru_cache(maxsize=65_536)
def _family_scores(words: tuple[str, ...], family_words: tuple[str, ...]) -> tuple[float, ...]:
    """For each way of splitting the words (the family name from word ``split`` on),
    how well that part matches the family name."""
    return tuple(_family_score(words[split:], family_words) for split in range(len(words)))


def _match(row: SearchChildrenRow, score: float, on: date) -> Match:
    """What a search shows of one child: unborn where not born by ``on`` (a record has
    a date of birth or an expected date, never neither), as the lookup says."""
    age = dates.age_on(row.get("date_of_birth"), on)
    return Match(
        child_id=str(row["id"]),
        name=_display_name(row),
        age=age,
        unborn=age is None,
        gender=str(row.get("gender") or "not_known"),
        locality=None if row.get("shielded") else _district(row.get("postcode")),
        score=round(score, 3),
    )


class _Check:
    """The criteria, each in the form rows are compared with, worked out once for
    every row a search reads."""

    def __init__(self, criteria: Criteria, on: date) -> None:
        self.on = on
        self.nhs_number = re.sub(r"\D", "", criteria.nhs_number)
        self.date_of_birth = criteria.date_of_birth
        self.age = criteria.age
        self.postcode = _postcode(criteria.postcode) if criteria.postcode.strip() else ""
        self.names = _typed_names(criteria.name) if criteria.name.strip() else None

    def score(self, row: SearchChildrenRow) -> float:
        if self.nhs_number and self.nhs_number != str(row.get("nhs_number") or ""):
            return 0.0
        dob = row.get("date_of_birth")
        if self.date_of_birth is not None and dob != self.date_of_birth:
            return 0.0
        if self.age is not None and dates.age_on(dob, self.on) != self.age:
            return 0.0
        if self.postcode:
            held = _postcode(str(row.get("postcode") or ""))
            if not held or not (held == self.postcode or held.startswith(self.postcode)):
                return 0.0
        if self.names is not None:
            return _name_score(self.names, row)
        return 1.0


def _display_name(row: SearchChildrenRow) -> str:
    given = row.get("preferred_name") or row.get("given_name")
    family = str(row.get("family_name") or "")
    if given:
        return f"{given} {family}"
    return f"{family} (unborn)" if row.get("expected_date") else family


def parse_criteria(
    name: str = "",
    date_of_birth: str = "",
    age: str = "",
    postcode: str = "",
    nhs_number: str = "",
) -> Criteria:
    """Criteria from form fields (text), with a clear error naming the field."""
    dob = None
    if date_of_birth.strip():
        try:
            dob = date.fromisoformat(date_of_birth.strip())
        except ValueError as exc:
            raise InvalidArgument(
                "date of birth must be a real date", "enter it as day, month and year"
            ) from exc
    years = None
    if age.strip():
        if not age.strip().isdigit() or int(age) > 25:
            raise InvalidArgument("age must be a whole number of years, 0 to 25", "enter an age")
        years = int(age)
    digits = re.sub(r"\D", "", nhs_number)
    if nhs_number.strip() and len(digits) != 10:
        raise InvalidArgument("NHS number must have 10 digits", "enter it like 943 476 5919")
    if postcode.strip() and not re.fullmatch(r"[A-Za-z0-9 ]{2,8}", postcode.strip()):
        raise InvalidArgument("postcode is not a postcode", "enter a postcode like WV10 6QT")
    criteria = Criteria(
        name=name.strip()[:100],
        date_of_birth=dob,
        age=years,
        postcode=postcode.strip(),
        nhs_number=digits,
    )
    if not criteria.given():
        raise InvalidArgument(
            "enter at least one thing to search by",
            "a name, a date of birth or age, a postcode or an NHS number",
        )
    if criteria.name and not normalise(criteria.name):
        raise InvalidArgument("name must contain letters", "enter the child's name")
    return criteria


def find(
    store: Store,
    requester_id: str,
    criteria: Criteria,
    *,
    channel: str = "library",
    purpose: str = "",
    clock: audit.Clock = audit.utc_now,
) -> SearchResult:
    """The children who match, best first (at most :data:`MAX_RESULTS`), for an
    authorised requester; the search and the children shown are written to the access
    log before anything is returned. Raises AccessDenied (audited) for a requester who
    may not search; StoreError when the engine or the log fails."""
    on = clock().date()
    kinds = criteria.given()

    def log(outcome: str, shown: list[str], detail: str) -> None:
        entry = audit.Pending(
            requester_id,
            "",
            purpose,
            on,
            outcome,
            shown,
            [],
            detail,
            path="search",
            channel=channel,
        )
        audit.append_many(store, [entry], clock=clock)

    with gate.opened("search", requester_id, on=on, clock=clock, channel=channel, purpose=purpose):
        try:
            authorise(store, requester_id, on)
        except AccessDenied as denied:
            log("denied", [], str(denied))
            raise
        return _found(store, criteria, on, kinds, log)


def candidates(store: Store, criteria: Criteria) -> list[SearchChildrenRow]:
    """The children a search compares: those with the NHS number or the date of birth
    given, read by the query (every child besides would fail that criterion); else,
    for a name, those with a name it may match: it is compared with every family name
    (two names typed or more: some reading of their words must match the family name)
    or every name (one name typed, of one word or several joined by hyphens or
    apostrophes: some form of it must be like some form of one of the child's names),
    each name once, and only the children of the names that may match are read (no
    other child can match); else every child. The search still checks every criterion
    of every row read."""
    nhs_number = re.sub(r"\D", "", criteria.nhs_number)
    if nhs_number:
        return store.read(SEARCH_CHILDREN_NHS, {"nhs_number": nhs_number})
    if criteria.date_of_birth is not None:
        return store.read(SEARCH_CHILDREN_BORN, {"date_of_birth": criteria.date_of_birth})
    typed = _typed_names(criteria.name)
    if not typed:
        return store.read(SEARCH_CHILDREN)
    if len(typed) > 1:
        words = tuple(word for name in typed for word in name)
        names: list[str] = []
        families = [
            row["name"]
            for row in store.read(SEARCH_FAMILY_NAMES)
            if max(_family_scores(words, _words(row["name"]))) >= NAME_THRESHOLD
        ]
    else:
        names = [
            row["name"]
            for row in store.read(SEARCH_NAMES)
            if _may_name(typed[0], _words(row["name"]))
        ]
        families = names
    if not families and not names:
        return []
    return store.read(SEARCH_CHILDREN_NAMED, {"family_names": families, "names": names})


def _found(
    store: Store,
    criteria: Criteria,
    on: date,
    kinds: list[str],
    log: Callable[[str, list[str], str], None],
) -> SearchResult:
    check = _Check(criteria, on)
    scored: list[tuple[float, SearchChildrenRow]] = []
    for row in candidates(store, criteria):
        score = check.score(row)
        if score > 0:
            scored.append((score, row))
    scored.sort(key=lambda pair: (-pair[0], str(pair[1]["id"])))
    shown = scored[:MAX_RESULTS]
    matches = [_match(row, score, on) for score, row in shown]
    log(
        "searched",
        [m.child_id for m in matches],
        f"by {', '.join(kinds)}; {len(scored)} matched",
    )
    return SearchResult(criteria=kinds, matches=matches, more=len(scored) > len(shown))
