"""A synthetic English local authority's children's-services data, with known faults.

:class:`Synthesiser` streams valid :mod:`tacgraph.model` records for a chosen number of
children: agencies and practitioners first, then household by household, so every
record a record refers to has been yielded before it. The same ``children``, ``seed``,
``as_of`` and ``faults`` always give the same records in the same order. Memory stays
small whatever the size: only the agencies, the practitioners and a little bookkeeping
per household are held.

With ``faults=True`` (the default) some realistic faults are injected and every one is
written to :class:`Truth`: duplicate child records with typical data-entry errors,
duplicate open CAFs on those duplicates, involvements ended without a handover while a
CAF stayed open, overdue CAF reviews, late initial assessments and children known to
several agencies with no CAF. With ``faults=False`` none of these occur. Twins are real
children, not faults, and occur either way.

Only :class:`random.Random` seeded from ``seed`` is used, so no third-party generator
can change the output between versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

from tacgraph.model import (
    LEVEL_RANK,
    RECORD_TYPES,
    Agency,
    AgencyKind,
    Assessment,
    AssessmentKind,
    Caf,
    CafAction,
    CafEvent,
    CafState,
    ChangeDirection,
    Child,
    Consent,
    ConsentDecision,
    ConsentKind,
    Disability,
    FamilyMember,
    FamilyRelation,
    Gender,
    Handover,
    HandoverKind,
    Household,
    Involvement,
    LevelChange,
    Meeting,
    MeetingKind,
    Notification,
    Outcome,
    Plan,
    PlanAction,
    PlanKind,
    Practitioner,
    Record,
    Referral,
    Relationship,
    Review,
    ReviewOutcome,
    Role,
    Scope,
    ServiceLevel,
    StatutoryBasis,
    StatutoryGround,
    TeamMembership,
    TeamRole,
    dump_record,
    nhs_number_is_valid,
)

__all__ = [
    "DEFAULT_AS_OF",
    "DUPLICATE_ERROR_KINDS",
    "REVIEW_INTERVAL_DAYS",
    "Synthesiser",
    "Truth",
    "generate",
    "record_line",
    "write_jsonl",
]

DEFAULT_AS_OF = date(2026, 11, 1)

# Clean data keeps every CAF review interval at or under this many days, comfortably inside
# six months however an audit counts them; an injected overdue review is at least
# OVERDUE_MIN_DAYS old, comfortably outside.
REVIEW_INTERVAL_DAYS = 168
OVERDUE_MIN_DAYS = 200

DUPLICATE_ERROR_KINDS = (
    "typo_surname",
    "swapped_day_month",
    "nickname",
    "hyphenated_surname",
    "missing_nhs_number",
    "different_address",
)

_TYPE_RANK: dict[type[Record], int] = {t: i for i, t in enumerate(RECORD_TYPES)}

# --------------------------------------------------------------------------- vocabulary

_FEMALE = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Daisy",
    "Sienna",
    "Poppy",
    "Elsie",
    "Emily",
    "Ella",
    "Evelyn",
    "Phoebe",
    "Sofia",
    "Evie",
    "Charlotte",
    "Harper",
    "Matilda",
    "Millie",
    "Ruby",
    "Alice",
    "Jessica",
    "Sophie",
    "Chloe",
    "Lucy",
    "Holly",
    "Megan",
    "Hannah",
    "Abigail",
    "Eleanor",
    "Elizabeth",
    "Katherine",
    "Catherine",
    "Margaret",
    "Rebecca",
    "Victoria",
    "Alexandra",
    "Samantha",
    "Jennifer",
    "Josephine",
    "Georgina",
    "Natasha",
    "Harriet",
    "Penelope",
    "Madeleine",
    "Dorothy",
    "Amy",
    "Lauren",
    "Bethany",
    "Courtney",
    "Jade",
    "Leah",
    "Niamh",
    "Erin",
    "Caitlin",
    "Zara",
    "Aisha",
    "Fatima",
    "Maryam",
    "Zainab",
    "Amira",
    "Hafsa",
    "Inaya",
    "Khadija",
    "Safa",
    "Noor",
    "Aaliyah",
    "Simran",
    "Priya",
    "Harleen",
    "Jasleen",
    "Navneet",
    "Anaya",
    "Ishaani",
    "Zuzanna",
    "Julia",
    "Maja",
    "Katarzyna",
    "Małgorzata",
    "Oliwia",
    "Amara",
    "Adaeze",
    "Chiamaka",
    "Precious",
    "Blessing",
    "Keisha",
    "Shanice",
    "Tia",
    "Siân",
    "Zoë",
    "Chloë",
    "Aoife",
    "Róisín",
    "Maisie",
    "Esme",
    "Thea",
    "Ada",
    "Iris",
    "Eva",
    "Lottie",
    "Violet",
    "Hallie",
    "Nancy",
)
_MALE = (
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Muhammad",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Finley",
    "Alfie",
    "Thomas",
    "William",
    "James",
    "Isaac",
    "Lucas",
    "Joshua",
    "Edward",
    "Samuel",
    "Benjamin",
    "Daniel",
    "Joseph",
    "Matthew",
    "Michael",
    "Nicholas",
    "Christopher",
    "Jonathan",
    "Alexander",
    "Robert",
    "Charles",
    "Frederick",
    "Jacob",
    "Zachary",
    "Anthony",
    "Stephen",
    "Andrew",
    "Patrick",
    "Richard",
    "Gabriel",
    "Harrison",
    "Ethan",
    "Mason",
    "Logan",
    "Tyler",
    "Kai",
    "Riley",
    "Jayden",
    "Callum",
    "Connor",
    "Kieran",
    "Liam",
    "Dylan",
    "Reece",
    "Bradley",
    "Ibrahim",
    "Yusuf",
    "Ali",
    "Hamza",
    "Adam",
    "Ayaan",
    "Zayn",
    "Omar",
    "Bilal",
    "Hassan",
    "Imran",
    "Arjun",
    "Harjit",
    "Gurpreet",
    "Rohan",
    "Veer",
    "Aarav",
    "Jakub",
    "Szymon",
    "Kacper",
    "Filip",
    "Aleksander",
    "Mateusz",
    "Tomasz",
    "Chidi",
    "Emeka",
    "Tobi",
    "Kwame",
    "Marcus",
    "Jermaine",
    "Tyrone",
    "Rhys",
    "Dafydd",
    "Seán",
    "Oisín",
    "Ciarán",
    "Reuben",
    "Elliot",
    "Toby",
    "Max",
    "Felix",
    "Jude",
    "Rory",
    "Stanley",
    "Teddy",
    "Albie",
    "Ronnie",
)
_SURNAMES = (
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Graham",
    "Pearson",
    "Ahmed",
    "Fletcher",
    "Walsh",
    "Kaur",
    "Gibson",
    "Howard",
    "Andrews",
    "Stewart",
    "Elliott",
    "Reynolds",
    "Saunders",
    "Payne",
    "Fox",
    "Ford",
    "Pearce",
    "Day",
    "Brooks",
    "West",
    "Lawrence",
    "Cole",
    "Atkinson",
    "Bradley",
    "Spencer",
    "Gill",
    "Dawson",
    "Ball",
    "Burton",
    "O'Brien",
    "Watts",
    "Rose",
    "Booth",
    "Perry",
    "Ryan",
    "Grant",
    "Wells",
    "Armstrong",
    "Francis",
    "Rees",
    "Hayes",
    "Hart",
    "Hudson",
    "Newman",
    "Barrett",
    "Webster",
    "Hunter",
    "Gregory",
    "Carr",
    "Lowe",
    "Page",
    "Marsh",
    "Riley",
    "Dunn",
    "Woods",
    "Parsons",
    "Berry",
    "Stone",
    "Reid",
    "Holland",
    "Hawkins",
    "Harding",
    "Porter",
    "Robertson",
    "Newton",
    "Oliver",
    "Reed",
    "Kennedy",
    "Williamson",
    "Bird",
    "Gardner",
    "Shah",
    "Dean",
    "Lane",
    "Cooke",
    "Bates",
    "Henderson",
    "Parry",
    "Burgess",
    "Bishop",
    "Walton",
    "Burns",
    "Nicholson",
    "Shepherd",
    "Ross",
    "Cross",
    "Long",
    "Freeman",
    "Warren",
    "Nicholls",
    "Hamilton",
    "Byrne",
    "Sutton",
    "McDonald",
    "Yates",
    "Hodgson",
    "Robson",
    "Curtis",
    "Hopkins",
    "O'Connor",
    "Harper",
    "Coleman",
    "Watkins",
    "Moss",
    "McCarthy",
    "Chambers",
    "Rahman",
    "Iqbal",
    "Mahmood",
    "Akhtar",
    "Hussein",
    "Malik",
    "Sharma",
    "Sandhu",
    "Dhillon",
    "Bains",
    "Chauhan",
    "Mistry",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Lewandowski",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Boateng",
    "Campbell-Brown",
    "Fairweather",
    "Ashworth",
    "Sutcliffe",
    "Holroyd",
    "Ackroyd",
    "Greenwood",
    "Haigh",
    "Priestley",
)
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Eliza"),
    "William": ("Will", "Bill", "Billy"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Catherine": ("Cathy", "Kate", "Cat"),
    "Robert": ("Bob", "Rob", "Robbie"),
    "Margaret": ("Maggie", "Meg", "Peggy"),
    "James": ("Jim", "Jamie"),
    "Thomas": ("Tom", "Tommy"),
    "Alexander": ("Alex", "Xander", "Sasha"),
    "Alexandra": ("Alex", "Lexi", "Sasha"),
    "Samuel": ("Sam", "Sammy"),
    "Samantha": ("Sam", "Sammy"),
    "Benjamin": ("Ben", "Benny"),
    "Daniel": ("Dan", "Danny"),
    "Joseph": ("Joe", "Joey"),
    "Matthew": ("Matt",),
    "Michael": ("Mike", "Mikey", "Mick"),
    "Nicholas": ("Nick", "Nicky"),
    "Christopher": ("Chris", "Kit"),
    "Jonathan": ("Jon", "Jonny"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Charlotte": ("Lottie", "Charlie"),
    "Charles": ("Charlie", "Chas"),
    "Abigail": ("Abi", "Abby"),
    "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess", "Jessie"),
    "Victoria": ("Vicky", "Tori"),
    "Eleanor": ("Ellie", "Nell"),
    "Isabella": ("Bella", "Izzy"),
    "Olivia": ("Liv", "Livvy"),
    "Amelia": ("Millie", "Amy"),
    "Sophia": ("Sophie",),
    "Gabriel": ("Gabe",),
    "Harrison": ("Harry",),
    "Henry": ("Harry", "Hal"),
    "Oliver": ("Ollie",),
    "Frederick": ("Fred", "Freddie"),
    "Theodore": ("Theo", "Teddy"),
    "Joshua": ("Josh",),
    "Jacob": ("Jake",),
    "Zachary": ("Zach", "Zak"),
    "Anthony": ("Tony", "Ant"),
    "Stephen": ("Steve",),
    "Andrew": ("Andy", "Drew"),
    "Patrick": ("Paddy", "Pat"),
    "Richard": ("Rich", "Ricky"),
    "Florence": ("Flo", "Florrie"),
    "Josephine": ("Josie", "Jo"),
    "Georgina": ("Georgie",),
    "Natasha": ("Tash", "Tasha"),
    "Jennifer": ("Jen", "Jenny"),
    "Harriet": ("Hattie",),
    "Penelope": ("Penny",),
    "Madeleine": ("Maddie",),
    "Matilda": ("Tilly",),
    "Dorothy": ("Dot", "Dolly"),
    "Evelyn": ("Evie",),
    "Muhammad": ("Mo",),
    "Aleksander": ("Olek",),
    "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",),
    "Zuzanna": ("Zuzia",),
    "Jakub": ("Kuba",),
    "Bethany": ("Beth",),
    "Isaac": ("Zac",),
}
_LOCALITIES = (
    "Ashby Vale",
    "Brackenfield",
    "Copperhill",
    "Dunmore",
    "Eastwick",
    "Fallowmere",
    "Greystones",
    "Hollins Cross",
    "Kingsmead",
    "Larkrise",
    "Millbrook",
    "Northgate",
    "Oakwell",
    "Ravensholme",
)
_OUTWARD = tuple(f"WV{i}" for i in range(1, 15)) + tuple(f"BD{i}" for i in range(1, 10))
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C I K M O V in the last two places
_STREETS = (
    "Acacia",
    "Albert",
    "Alexandra",
    "Alma",
    "Ash",
    "Aspen",
    "Beech",
    "Birch",
    "Blackthorn",
    "Bramble",
    "Bridge",
    "Brook",
    "Castle",
    "Cedar",
    "Chapel",
    "Chestnut",
    "Church",
    "Clarence",
    "Clover",
    "Coronation",
    "Cromwell",
    "Dale",
    "Elm",
    "Fern",
    "Field",
    "Forge",
    "Foundry",
    "Garden",
    "Gladstone",
    "Glebe",
    "Grange",
    "Hawthorn",
    "Hazel",
    "Heath",
    "High",
    "Highfield",
    "Holly",
    "Ivy",
    "Jubilee",
    "Juniper",
    "Kiln",
    "Laburnum",
    "Lime",
    "Linden",
    "Manor",
    "Maple",
    "Market",
    "Meadow",
    "Mill",
    "Moor",
    "Mulberry",
    "Nelson",
    "New",
    "Oak",
    "Orchard",
    "Park",
    "Pinfold",
    "Poplar",
    "Priory",
    "Queen's",
    "Railway",
    "Rowan",
    "School",
    "Spring",
    "Station",
    "Sycamore",
    "Tannery",
    "Thorn",
    "Valley",
    "Victoria",
    "Vicarage",
    "Wellington",
    "Westfield",
    "Willow",
    "Windmill",
    "Woodland",
    "Yew",
    "York",
)
_STREET_TYPES = (
    "Road",
    "Street",
    "Avenue",
    "Close",
    "Lane",
    "Drive",
    "Grove",
    "Crescent",
    "Way",
    "Terrace",
    "Gardens",
    "Place",
    "Walk",
    "View",
)
_SAINTS = (
    "Mary",
    "Joseph",
    "Peter",
    "Paul",
    "Anne",
    "Michael",
    "John",
    "Bartholomew",
    "Thomas",
    "Chad",
    "Edmund",
    "Matthew",
    "Luke",
    "Andrew",
    "Margaret",
    "Bede",
)

_END_REASONS = (
    "Agreed at review that the role is no longer necessary",
    "Work completed; needs met",
    "Family declined further support from this service",
    "Child's needs now met by the remaining team",
    "Transferred to a colleague in the same service",
    "Service episode ended",
)
_HANDOVER_WORK = (
    "Weekly home visits; parenting support using the Solihull approach",
    "Six sessions of one-to-one work on emotional wellbeing",
    "Attendance monitoring and weekly check-ins with the young person",
    "Support to register with a dentist and attend health appointments",
    "Safety planning with the parent and key-work sessions with the child",
    "Group work on healthy relationships and online safety",
    "Benefit check and support with a housing application",
    "Stay-and-play sessions and support with routines at home",
)
_HANDOVER_OUTCOMES = (
    "Attendance has risen from 82% to 94%",
    "Parent reports calmer evenings and a settled bedtime routine",
    "Young person engaging well and reports feeling safer",
    "All outstanding health appointments attended",
    "Housing application submitted and accepted",
    "Some progress; engagement has been inconsistent",
)
_HANDOVER_UNMET = (
    "None identified",
    "Continuing low mood; CAMHS waiting list",
    "Speech and language needs still to be assessed",
    "Debt advice still needed",
    "Sibling conflict at home remains a concern",
    "Needs a mentor at the new school",
)
_ACTIONS: dict[Outcome, tuple[str, ...]] = {
    Outcome.BE_HEALTHY: (
        "Attend all health appointments, including a dental check-up",
        "Attend CAMHS appointments and practise the agreed coping strategies",
        "Establish a regular bedtime routine",
        "Complete outstanding immunisations",
        "Attend healthy eating sessions at the children's centre",
        "Attend speech and language therapy sessions",
    ),
    Outcome.STAY_SAFE: (
        "Agree and keep to a family safety plan",
        "Parent to complete the Freedom Programme",
        "Attend healthy relationships sessions",
        "Home safety check; fit stair gates and a fire guard",
        "Key-work sessions on online safety",
        "Agree times and places for being out after school",
    ),
    Outcome.ENJOY_AND_ACHIEVE: (
        "Raise school attendance to above 95%",
        "Weekly sessions with the learning mentor",
        "Meet the targets in the SEN support plan",
        "Attend stay-and-play sessions twice a week",
        "Attend homework club three times a week",
        "Take up the funded nursery place",
    ),
    Outcome.POSITIVE_CONTRIBUTION: (
        "Join an after-school club or youth group",
        "Attend the young carers' group",
        "Take part in restorative work with the school",
        "Give their views at each TAC meeting",
    ),
    Outcome.ECONOMIC_WELLBEING: (
        "Benefit check and support with debts",
        "Support with a housing application",
        "Parent to attend an employment and skills course",
        "Apply for free school meals",
        "Support to take up funded childcare",
    ),
}
_HOW_WE_KNOW = (
    "Attendance figures reported at the next review",
    "Parent and child say they feel safer",
    "Fewer missed appointments",
    "Observed at home visits",
    "School report and the child's own view",
    "Confirmed in writing by the service",
)
_REFERRAL_REASONS = (
    "Low mood and self-harm disclosed at school",
    "Persistent absence from school",
    "Parent asking for support with behaviour at home",
    "Concerns about cannabis use",
    "Child affected by domestic abuse at home",
    "Family at risk of eviction",
    "Young carer for a parent with a disability",
    "Needs continue to escalate despite the CAF plan",
    "Sexual health advice and support requested",
)
_HARM_REASONS = (
    "Disclosure of physical abuse at school; bruising seen",
    "Unexplained injury to a non-mobile baby",
    "Domestic abuse incident with the child present; police attended",
    "Neglect escalating despite support under the CAF",
    "Young person missing overnight; risk of exploitation",
)

# Services by key: agency kind, level, and the roles that work directly with children.
_SERVICES: dict[str, tuple[AgencyKind, ServiceLevel, tuple[Role, ...]]] = {
    "primary": (
        AgencyKind.SCHOOL,
        ServiceLevel.UNIVERSAL,
        (Role.DESIGNATED_SAFEGUARDING_LEAD, Role.SENCO, Role.TEACHER),
    ),
    "secondary": (
        AgencyKind.SCHOOL,
        ServiceLevel.UNIVERSAL,
        (Role.HEAD_OF_YEAR, Role.DESIGNATED_SAFEGUARDING_LEAD, Role.SENCO, Role.TEACHER),
    ),
    "gp": (AgencyKind.GP_PRACTICE, ServiceLevel.UNIVERSAL, (Role.GP,)),
    "hv": (AgencyKind.HEALTH_VISITING, ServiceLevel.UNIVERSAL, (Role.HEALTH_VISITOR,)),
    "midwifery": (AgencyKind.MIDWIFERY, ServiceLevel.UNIVERSAL, (Role.MIDWIFE,)),
    "school_nursing": (AgencyKind.SCHOOL_NURSING, ServiceLevel.UNIVERSAL, (Role.SCHOOL_NURSE,)),
    "cc": (
        AgencyKind.CHILDREN_CENTRE,
        ServiceLevel.UNIVERSAL,
        (Role.FAMILY_SUPPORT_WORKER, Role.CHILDREN_CENTRE_WORKER),
    ),
    "early_help": (
        AgencyKind.EARLY_HELP,
        ServiceLevel.TARGETED,
        (Role.EARLY_HELP_WORKER, Role.FAMILY_SUPPORT_WORKER),
    ),
    "mast": (AgencyKind.MAST, ServiceLevel.TARGETED, (Role.MAST_MEMBER,)),
    "cin": (
        AgencyKind.SOCIAL_CARE,
        ServiceLevel.CHILD_IN_NEED,
        (Role.SOCIAL_WORKER, Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER),
    ),
    "cp": (
        AgencyKind.SOCIAL_CARE,
        ServiceLevel.STATUTORY,
        (Role.SOCIAL_WORKER, Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER),
    ),
    "lac": (AgencyKind.SOCIAL_CARE, ServiceLevel.STATUTORY, (Role.SOCIAL_WORKER,)),
    "disabled": (AgencyKind.SOCIAL_CARE, ServiceLevel.CHILD_IN_NEED, (Role.SOCIAL_WORKER,)),
    "yos": (AgencyKind.YOUTH_OFFENDING, ServiceLevel.STATUTORY, (Role.YOUTH_OFFENDING_OFFICER,)),
    "camhs": (AgencyKind.CAMHS, ServiceLevel.CHILD_IN_NEED, (Role.CAMHS_PRACTITIONER,)),
    "drug": (AgencyKind.DRUG_ALCOHOL, ServiceLevel.TARGETED, (Role.PROJECT_WORKER,)),
    "da": (AgencyKind.DOMESTIC_ABUSE, ServiceLevel.TARGETED, (Role.PROJECT_WORKER,)),
    "sexual_health": (AgencyKind.SEXUAL_HEALTH, ServiceLevel.TARGETED, (Role.PROJECT_WORKER,)),
    "mental_health": (AgencyKind.MENTAL_HEALTH, ServiceLevel.CHILD_IN_NEED, (Role.PROJECT_WORKER,)),
    "housing": (AgencyKind.HOUSING, ServiceLevel.TARGETED, (Role.HOUSING_OFFICER,)),
    "ews": (AgencyKind.EDUCATION_WELFARE, ServiceLevel.TARGETED, (Role.OTHER,)),
    "young_carers": (AgencyKind.VOLUNTARY, ServiceLevel.TARGETED, (Role.YOUTH_WORKER,)),
    "police": (AgencyKind.POLICE, ServiceLevel.STATUTORY, (Role.POLICE_OFFICER,)),
}
_STATUTORY_KEYS = frozenset({"cin", "cp", "lac", "disabled", "yos", "police"})
# Services reached by referral (000: any service reached by referral is its own agency).
_REFERRAL_KEYS = frozenset(
    {
        "camhs",
        "drug",
        "da",
        "sexual_health",
        "mental_health",
        "housing",
        "ews",
        "young_carers",
        "cin",
        "cp",
        "lac",
        "disabled",
        "yos",
    }
)
_SENSITIVE_KEYS = frozenset({"drug", "da", "sexual_health", "mental_health"})
_AUTHORITY_WIDE: dict[str, str] = {
    "lac": "Looked After Children Team",
    "disabled": "Disabled Children's Team",
    "yos": "Youth Offending Service",
    "camhs": "Child and Adolescent Mental Health Service (CAMHS)",
    "drug": "Piccadilly Project",
    "da": "Hope Project",
    "sexual_health": "Clearwater Young People's Sexual Health Service",
    "mental_health": "Horizon Mental Health Service",
    "housing": "Housing Options Service",
    "ews": "Education Welfare Service",
    "young_carers": "Young Carers Project",
    "police": "Public Protection Unit",
}

_RANK = LEVEL_RANK
_T = ServiceLevel.TARGETED
_CIN = ServiceLevel.CHILD_IN_NEED
_STAT = ServiceLevel.STATUTORY
_U = ServiceLevel.UNIVERSAL


# --------------------------------------------------------------------------- truth


@dataclass
class Truth:
    """What a synthesis injected, for checking what the audits and matchers find.

    Filled while the records are generated; complete once the iterator is exhausted.
    ``to_json`` gives a JSON-ready dict and ``from_json`` reads one back.

    ``late_assessments`` were completed after their time limit; ``overdue_assessments``
    were drawn late and are still not completed on ``as_of``, their limit already past.
    ``disengagements_without_handover`` include involvements that ended so shortly
    before ``as_of`` that the days an audit allows for a handover have not yet run out.
    """

    seed: int
    children: int
    as_of: str
    faults: bool = True
    duplicate_pairs: list[tuple[str, str, list[str]]] = field(default_factory=list)
    twin_pairs: list[tuple[str, str]] = field(default_factory=list)
    duplicate_open_cafs: list[tuple[str, str]] = field(default_factory=list)
    disengagements_without_handover: list[str] = field(default_factory=list)
    overdue_reviews: list[str] = field(default_factory=list)
    late_assessments: list[str] = field(default_factory=list)
    overdue_assessments: list[str] = field(default_factory=list)
    several_agencies_without_caf: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The truth as plain JSON types (tuples become lists)."""
        return {
            "seed": self.seed,
            "children": self.children,
            "as_of": self.as_of,
            "faults": self.faults,
            "duplicate_pairs": [[a, b, list(k)] for a, b, k in self.duplicate_pairs],
            "twin_pairs": [[a, b] for a, b in self.twin_pairs],
            "duplicate_open_cafs": [[a, b] for a, b in self.duplicate_open_cafs],
            "disengagements_without_handover": list(self.disengagements_without_handover),
            "overdue_reviews": list(self.overdue_reviews),
            "late_assessments": list(self.late_assessments),
            "overdue_assessments": list(self.overdue_assessments),
            "several_agencies_without_caf": list(self.several_agencies_without_caf),
            "counts": dict(self.counts),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Truth:
        """Read back what :meth:`to_json` wrote; raises KeyError on a missing field."""
        return cls(
            seed=int(doc["seed"]),
            children=int(doc["children"]),
            as_of=str(doc["as_of"]),
            faults=bool(doc.get("faults", True)),
            duplicate_pairs=[
                (str(a), str(b), [str(x) for x in k]) for a, b, k in doc["duplicate_pairs"]
            ],
            twin_pairs=[(str(a), str(b)) for a, b in doc["twin_pairs"]],
            duplicate_open_cafs=[(str(a), str(b)) for a, b in doc["duplicate_open_cafs"]],
            disengagements_without_handover=[
                str(x) for x in doc["disengagements_without_handover"]
            ],
            overdue_reviews=[str(x) for x in doc["overdue_reviews"]],
            late_assessments=[str(x) for x in doc.get("late_assessments", [])],
            overdue_assessments=[str(x) for x in doc.get("overdue_assessments", [])],
            several_agencies_without_caf=[
                str(x) for x in doc.get("several_agencies_without_caf", [])
            ],
            counts={str(k): int(v) for k, v in doc["counts"].items()},
        )

    def write(self, path: Path) -> None:
        """Write the truth as indented JSON to ``path``."""
        text = json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- helpers


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _weekday(d: date) -> date:
    """The first weekday on or after ``d``."""
    while d.weekday() >= 5:
        d += _days(1)
    return d


def _add_working_days(d: date, n: int) -> date:
    while n > 0:
        d += _days(1)
        if d.weekday() < 5:
            n -= 1
    return d


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _age(dob: date | None, on: date) -> int:
    """Whole years old on ``on``; -1 before birth or for an unborn child."""
    if dob is None or on < dob:
        return -1
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum())).lower()


def _max_level(*levels: ServiceLevel) -> ServiceLevel:
    return max(levels, key=_RANK.__getitem__)


def _nhs_body_check(body: int) -> int:
    digits = f"{body:09d}"
    total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else check


# --------------------------------------------------------------------------- internals


@dataclass(slots=True)
class _Staff:
    id: str
    agency_id: str
    role: Role
    left_on: date | None


@dataclass(slots=True)
class _Locality:
    name: str
    outward: tuple[str, ...]
    streets: tuple[str, ...]
    children: int
    agencies: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Member:
    """A family member while their household is being built."""

    id: str
    given: str
    family: str
    dob: date | None
    phone: str | None
    household_id: str | None
    relations: list[FamilyRelation] = field(default_factory=list)


@dataclass(slots=True)
class _Inv:
    """An involvement whose end may not be known yet."""

    id: str
    staff: _Staff
    agency_id: str
    key: str
    level: ServiceLevel
    start: date
    end: date | None = None
    end_reason: str | None = None
    caf: _CafSpan | None = None
    lead: list[list[date | None]] = field(default_factory=list)  # [from, to] periods
    handover: bool = True


@dataclass(slots=True)
class _CafSpan:
    id: str
    start: date
    closed: date | None
    invs: list[_Inv] = field(default_factory=list)

    def open_on(self, d: date) -> bool:
        return self.start <= d and (self.closed is None or d <= self.closed)

    def lead_on(self, d: date) -> _Inv | None:
        for inv in self.invs:
            for frm, to in inv.lead:
                assert frm is not None
                if frm <= d and (to is None or d <= to):
                    return inv
        return None


@dataclass(slots=True)
class _Change:
    record: LevelChange
    sent_by: str


@dataclass(slots=True)
class _Kid:
    id: str
    given: str | None
    middle: str | None
    family: str
    dob: date | None
    expected: date | None
    gender: Gender
    nhs: str | None
    loc: _Locality
    household_id: str | None
    address: str
    postcode: str
    school_id: str | None
    school_stage: str | None
    gp_id: str
    cc_id: str
    pr_ids: list[str] = field(default_factory=list)
    carer_ids: list[str] = field(default_factory=list)
    preferred: str | None = None
    looked_after: bool = False
    to_be_adopted: bool = False
    disability: Disability = Disability.NONE
    learning_difficulty: bool = False
    severe_sen: bool = False
    significant_mental_health: bool = False
    young_offender: bool = False
    shielded: bool = False
    invs: list[_Inv] = field(default_factory=list)
    cafs: list[_CafSpan] = field(default_factory=list)
    changes: list[_Change] = field(default_factory=list)
    plan_teams: list[tuple[_Staff, str, TeamRole, date, date | None]] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)
    recs: list[Record] = field(default_factory=list)

    def age(self, on: date) -> int:
        return _age(self.dob, on)

    @property
    def born_on(self) -> date:
        """Date of birth, or expected date of an unborn child."""
        d = self.dob if self.dob is not None else self.expected
        assert d is not None
        return d

    def open_caf(self) -> _CafSpan | None:
        for caf in self.cafs:
            if caf.closed is None:
                return caf
        return None


def _stage(age: int) -> str | None:
    if 4 <= age <= 10:
        return "primary"
    if 11 <= age <= 17:
        return "secondary"
    return None


# --------------------------------------------------------------------------- synthesiser


class Synthesiser:
    """Generates one synthetic authority; iterate :meth:`records` once.

    ``truth`` is filled as the records are generated and is complete when the iterator
    is exhausted. ``children_done`` counts the genuine children emitted so far, for
    progress reporting. Raises ValueError for a negative number of children.
    """

    def __init__(
        self,
        children: int,
        seed: int,
        *,
        as_of: date = DEFAULT_AS_OF,
        faults: bool = True,
    ) -> None:
        if children < 0:
            raise ValueError("children must be zero or more")
        self.children = children
        self.seed = seed
        self.as_of = as_of
        self.faults = faults
        self.truth = Truth(seed=seed, children=children, as_of=as_of.isoformat(), faults=faults)
        self.children_done = 0
        self._rng = Random(seed)
        self._frng = Random(f"tacgraph-faults:{seed}")
        self._counters: dict[str, int] = {}
        self._nhs_used: set[int] = set()
        self._identities: set[int] = set()
        self._staff: dict[str, dict[Role, list[_Staff]]] = {}
        self._active: dict[str, dict[Role, list[_Staff]]] = {}
        self._agency_key: dict[str, str] = {}
        self._wide: dict[str, str] = {}
        self._localities: list[_Locality] = []
        self._used_names: set[str] = set()
        self._started = False

    # ------------------------------------------------------------------ ids and picks

    _WIDTHS = {"AG": 4, "PR": 6}

    def _id(self, prefix: str) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{n:0{self._WIDTHS.get(prefix, 7)}d}"

    def _pick(
        self, agency_id: str, role: Role | None, until: date | None, avoid: Sequence[_Staff] = ()
    ) -> _Staff:
        """A practitioner of ``agency_id`` in ``role`` still in post on ``until``
        (``None``: still in post now), not one of ``avoid`` where there is another."""
        pools = self._staff[agency_id]
        if role is None or role not in pools:
            role = self._rng.choice(list(pools))
        staff = self._rng.choice(pools[role])
        if staff.left_on is not None and (until is None or until > staff.left_on):
            staff = self._rng.choice(self._active[agency_id][role])
        if staff in avoid:
            others = [s for s in self._active[agency_id][role] if s not in avoid]
            if others:
                staff = self._rng.choice(others)
        return staff

    def _manager(self, agency_id: str) -> _Staff:
        return self._pick(agency_id, Role.TEAM_MANAGER, None)

    def _agency(self, kid: _Kid, key: str) -> str | None:
        if key in ("primary", "secondary", "school"):
            return kid.school_id
        if key == "gp":
            return kid.gp_id
        if key == "cc":
            return kid.cc_id
        if key in self._wide:
            return self._wide[key]
        return self._rng.choice(kid.loc.agencies[key])

    def _school_on(self, kid: _Kid, on: date) -> str | None:
        if kid.school_id is not None and _stage(kid.age(on)) == kid.school_stage:
            return kid.school_id
        return None

    # ------------------------------------------------------------------ the authority

    def _plan_localities(self) -> None:
        rng = self._rng
        n = self.children
        count = 4
        size = 2000
        while count < 12 and n >= size * 2:
            count += 1
            size *= 2
        names = list(_LOCALITIES)
        rng.shuffle(names)
        outward = list(_OUTWARD)
        rng.shuffle(outward)
        weights = [rng.uniform(0.6, 1.4) for _ in range(count)]
        total = sum(weights)
        shares = [int(n * w / total) for w in weights]
        for i in range(n - sum(shares)):
            shares[i % count] += 1
        for i in range(count):
            codes = tuple(outward[j] for j in range(i, len(outward), count))
            streets = tuple(rng.sample(_STREETS, 24))
            self._localities.append(_Locality(names[i], codes, streets, shares[i]))

    def _candidate(self, key: str, stem: str) -> str:
        rng = self._rng
        street, saint = rng.choice(_STREETS), rng.choice(_SAINTS)
        options: tuple[str, ...]
        if key == "primary":
            options = (
                f"{street} {rng.choice(('Park', 'Lane', 'Road', 'Fields'))} Primary School",
                f"St {saint}'s C of E Primary School",
                f"St {saint}'s Catholic Primary School",
                f"{street} {rng.choice(('Infant and Junior', 'Primary'))} Academy",
            )
        elif key == "secondary":
            options = (
                f"{street} High School",
                f"{street} Academy",
                f"{stem} {rng.choice(('Academy', 'High School', 'Community School'))}",
                f"St {saint}'s Catholic High School",
            )
        elif key == "gp":
            options = (
                f"{street} Medical Practice",
                f"{street} Surgery",
                f"{street} Health Centre",
                f"The {street} Practice",
            )
        else:
            options = (f"{street} Children's Centre",)
        return rng.choice(options)

    def _unique(self, key: str, stem: str) -> str:
        """A new agency name, never one already used."""
        for _ in range(50):
            name = self._candidate(key, stem)
            if name not in self._used_names:
                self._used_names.add(name)
                return name
        base = self._candidate(key, stem)
        n = 2
        while f"{base} {n}" in self._used_names:
            n += 1
        self._used_names.add(f"{base} {n}")
        return f"{base} {n}"

    def _new_agency(
        self, key: str, name: str, locality: str | None, level: ServiceLevel | None = None
    ) -> Agency:
        kind, default_level, _ = _SERVICES[key]
        sensitive = key in _SENSITIVE_KEYS
        agency = Agency(
            id=self._id("AG"),
            name=name,
            kind=kind,
            level=level or default_level,
            sensitive=sensitive,
            statutory=key in _STATUTORY_KEYS,
            locality=locality,
            phone=f"01632 960{self._rng.randint(0, 999):03d}",
            email=f"{_ascii(name)[:40] or 'office'}@example.org",
            broker_contact=(
                "Early Help Hub duty broker, 01632 960100 (ask for the sensitive services "
                "broker; do not name the service)"
                if sensitive
                else None
            ),
        )
        self._agency_key[agency.id] = key
        self._staff[agency.id] = {}
        self._active[agency.id] = {}
        return agency

    def _hire(self, agency: Agency, role: Role, count: int) -> Iterator[Practitioner]:
        rng = self._rng
        for i in range(count):
            female = rng.random() < (
                0.85 if role in (Role.MIDWIFE, Role.HEALTH_VISITOR, Role.SCHOOL_NURSE) else 0.7
            )
            given = rng.choice(_FEMALE if female else _MALE)
            family = rng.choice(_SURNAMES)
            left = i > 0 and rng.random() < 0.04
            left_on = self.as_of - _days(rng.randint(14, 700)) if left else None
            qualified = role in (Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER) or (
                role is Role.TEAM_MANAGER and agency.kind is AgencyKind.SOCIAL_CARE
            )
            authorised = {
                Role.TEACHER: 0.15,
                Role.GP: 0.6,
                Role.HEAD_TEACHER: 0.7,
                Role.HEAD_OF_YEAR: 0.8,
                Role.SENCO: 0.8,
                Role.CHILDREN_CENTRE_WORKER: 0.6,
                Role.HOUSING_OFFICER: 0.6,
                Role.POLICE_OFFICER: 0.7,
            }.get(role, 0.93)
            staff = _Staff(self._id("PR"), agency.id, role, left_on)
            self._staff[agency.id].setdefault(role, []).append(staff)
            if left_on is None:
                self._active[agency.id].setdefault(role, []).append(staff)
            n = int(staff.id[3:])
            yield Practitioner(
                id=staff.id,
                given_name=given,
                family_name=family,
                agency_id=agency.id,
                role=role,
                qualified_social_worker=qualified,
                lookup_authorised=rng.random() < authorised,
                email=f"{_ascii(given)}.{_ascii(family)}{n}@example.org",
                phone=(
                    f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.6 else agency.phone
                ),
                left_agency_on=left_on,
            )

    def _authority(self) -> Iterator[Record]:
        """Agencies, then their practitioners."""
        rng = self._rng
        self._plan_localities()
        staffing: list[tuple[Agency, list[tuple[Role, int]]]] = []

        def add(agency: Agency, roles: list[tuple[Role, int]]) -> Agency:
            staffing.append((agency, roles))
            return agency

        for loc in self._localities:
            n = max(loc.children, 1)
            stem = loc.name
            schools = max(2, round(n / 350))
            primaries = max(1, round(schools * 0.72))
            secondaries = max(1, schools - primaries)
            for _ in range(primaries):
                a = add(
                    self._new_agency("primary", self._unique("primary", stem), stem),
                    [
                        (Role.HEAD_TEACHER, 1),
                        (Role.DESIGNATED_SAFEGUARDING_LEAD, 1),
                        (Role.SENCO, 1),
                        (Role.TEACHER, rng.randint(4, 8)),
                    ],
                )
                loc.agencies.setdefault("primary", []).append(a.id)
            for _ in range(secondaries):
                a = add(
                    self._new_agency("secondary", self._unique("secondary", stem), stem),
                    [
                        (Role.HEAD_TEACHER, 1),
                        (Role.DESIGNATED_SAFEGUARDING_LEAD, 1),
                        (Role.SENCO, 1),
                        (Role.HEAD_OF_YEAR, rng.randint(5, 7)),
                        (Role.TEACHER, rng.randint(4, 8)),
                    ],
                )
                loc.agencies.setdefault("secondary", []).append(a.id)
            for _ in range(max(1, round(n / 2000))):
                a = add(
                    self._new_agency("gp", self._unique("gp", stem), stem),
                    [(Role.GP, rng.randint(3, 7))],
                )
                loc.agencies.setdefault("gp", []).append(a.id)
            teams: list[tuple[str, str, list[tuple[Role, int]]]] = [
                (
                    "hv",
                    f"{stem} Health Visiting Team",
                    [(Role.TEAM_MANAGER, 1), (Role.HEALTH_VISITOR, max(2, round(n * 0.28 / 300)))],
                ),
                (
                    "midwifery",
                    f"{stem} Community Midwifery Team",
                    [(Role.TEAM_MANAGER, 1), (Role.MIDWIFE, max(2, round(n / 1500)))],
                ),
                (
                    "school_nursing",
                    f"{stem} School Nursing Team",
                    [(Role.TEAM_MANAGER, 1), (Role.SCHOOL_NURSE, max(2, round(n / 2500)))],
                ),
                (
                    "early_help",
                    f"{stem} Early Help Team",
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CAF_COORDINATOR, 1),
                        (Role.EARLY_HELP_WORKER, max(3, round(n * 0.03 / 12))),
                        (Role.FAMILY_SUPPORT_WORKER, max(2, round(n * 0.01 / 12))),
                    ],
                ),
                (
                    "mast",
                    f"{stem} MAST",
                    [(Role.MAST_MANAGER, 1), (Role.MAST_MEMBER, max(3, round(n / 3000)))],
                ),
                (
                    "cin",
                    f"{stem} Children in Need Team",
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CONSULTANT_SOCIAL_WORKER, 1),
                        (Role.SOCIAL_WORKER, max(3, round(n * 0.012 / 15))),
                    ],
                ),
                (
                    "cp",
                    f"{stem} Safeguarding and Child Protection Team",
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CONSULTANT_SOCIAL_WORKER, 1),
                        (Role.SOCIAL_WORKER, max(3, round(n * 0.006 / 12))),
                    ],
                ),
            ]
            for key, name, roles in teams:
                a = add(self._new_agency(key, name, stem), roles)
                loc.agencies.setdefault(key, []).append(a.id)
            for i in range(2 if n >= 3000 else 1):
                name = f"{stem} Children's Centre" if i == 0 else self._unique("cc", stem)
                level = _U if i == 0 else _T
                a = add(
                    self._new_agency("cc", name, stem, level),
                    [
                        (Role.TEAM_MANAGER, 1),
                        (Role.CHILDREN_CENTRE_WORKER, rng.randint(2, 3)),
                        (Role.FAMILY_SUPPORT_WORKER, rng.randint(2, 3)),
                    ],
                )
                loc.agencies.setdefault("cc", []).append(a.id)
        total = max(self.children, 1)
        wide_roles: dict[str, list[tuple[Role, int]]] = {
            "lac": [
                (Role.TEAM_MANAGER, 1),
                (Role.CONSULTANT_SOCIAL_WORKER, 1),
                (Role.SOCIAL_WORKER, max(2, round(total * 0.006 / 15))),
            ],
            "disabled": [
                (Role.TEAM_MANAGER, 1),
                (Role.SOCIAL_WORKER, max(2, round(total * 0.005 / 20))),
            ],
            "yos": [
                (Role.TEAM_MANAGER, 1),
                (Role.YOUTH_OFFENDING_OFFICER, max(2, round(total * 0.0015 / 10))),
            ],
            "camhs": [
                (Role.TEAM_MANAGER, 1),
                (Role.CAMHS_PRACTITIONER, max(3, round(total * 0.012 / 40))),
            ],
            "housing": [
                (Role.TEAM_MANAGER, 1),
                (Role.HOUSING_OFFICER, max(2, round(total / 8000))),
            ],
            "ews": [(Role.TEAM_MANAGER, 1), (Role.OTHER, max(2, round(total / 8000)))],
            "young_carers": [
                (Role.TEAM_MANAGER, 1),
                (Role.YOUTH_WORKER, max(2, round(total / 10000))),
            ],
            "police": [(Role.POLICE_OFFICER, max(2, round(total / 10000)))],
        }
        for key in ("drug", "da", "sexual_health", "mental_health"):
            wide_roles[key] = [
                (Role.TEAM_MANAGER, 1),
                (Role.PROJECT_WORKER, max(2, round(total / 6000))),
            ]
        for key, name in _AUTHORITY_WIDE.items():
            a = add(self._new_agency(key, name, None), wide_roles[key])
            self._wide[key] = a.id
        for agency, _ in staffing:
            yield agency
        for agency, roles in staffing:
            for role, count in roles:
                yield from self._hire(agency, role, count)

    # ------------------------------------------------------------------ people

    def _nhs(self) -> str:
        rng = self._rng
        while True:
            body = rng.randrange(400_000_000, 800_000_000)
            check = _nhs_body_check(body)
            if check == 10 or body in self._nhs_used:
                continue
            self._nhs_used.add(body)
            number = f"{body:09d}{check}"
            assert nhs_number_is_valid(number)
            return number

    def _postcode(self, loc: _Locality) -> str:
        rng = self._rng
        return (
            f"{rng.choice(loc.outward)} {rng.randint(1, 9)}"
            f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        )

    def _address(self, loc: _Locality) -> str:
        rng = self._rng
        street = f"{rng.choice(loc.streets)} {rng.choice(_STREET_TYPES)}"
        if rng.random() < 0.15:
            return f"Flat {rng.randint(1, 24)}, {rng.randint(1, 80)} {street}"
        return f"{rng.randint(1, 240)} {street}"

    def _phone(self) -> str | None:
        rng = self._rng
        return f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.8 else None

    def _births(self, count: int, foster: bool) -> list[tuple[date | None, date | None, int]]:
        """(date of birth, expected date, birth index) per child, eldest first; twins
        share a birth index."""
        rng = self._rng
        as_of = self.as_of
        births: list[int] = []
        n_births = 0
        while len(births) < count:
            twin = not foster and count - len(births) >= 2 and rng.random() < 0.035
            births.extend([n_births] * (2 if twin else 1))
            n_births += 1
        gaps = [rng.randint(330, 1700) for _ in range(n_births - 1)]
        oldest = (as_of - _years_before(as_of, 18)).days - 1
        span = sum(gaps)
        if span > oldest - 30:
            gaps = [330] * len(gaps)
            span = sum(gaps)
        last_is_twin = len(births) >= 2 and births[-1] == births[-2]
        if not foster and not last_is_twin and rng.random() < 0.012:
            youngest_age = -rng.randint(7, 112)  # unborn, due within 16 weeks
        else:
            youngest_age = rng.randint(0, max(0, oldest - span))
        ages = [youngest_age]
        for g in reversed(gaps):
            ages.append(ages[-1] + g)
        ages.reverse()  # eldest first
        out: list[tuple[date | None, date | None, int]] = []
        for index in births:
            age = ages[index]
            when = as_of - _days(age)
            out.append((when, None, index) if age >= 0 else (None, when, index))
        return out

    def _household(self, loc: _Locality, count: int) -> Iterator[Record]:
        rng = self._rng
        as_of = self.as_of
        hh_id = self._id("HH")
        address = self._address(loc)
        postcode = self._postcode(loc)
        household = Household(id=hh_id, address_line=address, postcode=postcode, locality=loc.name)
        r = rng.random()
        kind = (
            "foster"
            if r < 0.0085
            else "kinship"
            if r < 0.035
            else "lone_father"
            if r < 0.065
            else "blended"
            if r < 0.135
            else "lone_mother"
            if r < 0.375
            else "two_parent"
        )
        if kind == "foster":
            count = min(count, rng.choice((1, 1, 2, 3)))
        shielded = rng.random() < 0.0006 and kind != "foster"
        births = self._births(count, foster=kind == "foster")
        primary = rng.choice(loc.agencies["primary"])
        secondary = rng.choice(loc.agencies["secondary"])
        gp = rng.choice(loc.agencies["gp"])
        cc = rng.choice(loc.agencies["cc"])
        father_name = rng.choice(_SURNAMES)
        mother_name = father_name if rng.random() < 0.7 else rng.choice(_SURNAMES)
        kids: list[_Kid] = []
        for dob, expected, _ in births:
            if kind == "foster":
                surname = rng.choice(_SURNAMES)
            elif kind == "lone_mother":
                surname = mother_name if rng.random() < 0.6 else father_name
            else:
                surname = father_name
            kids.append(
                self._kid(
                    loc,
                    hh_id,
                    address,
                    postcode,
                    surname,
                    dob,
                    expected,
                    primary,
                    secondary,
                    gp,
                    cc,
                )
            )
        # twins: same household, date of birth and parents; given names are made
        # different by _distinct below
        for i in range(1, len(births)):
            if births[i][2] == births[i - 1][2]:
                kids[i].family = kids[i - 1].family
                self.truth.twin_pairs.append((kids[i - 1].id, kids[i].id))
        members = self._family(kind, hh_id, kids, births, mother_name, father_name)
        self._distinct(kids)
        for kid in kids:
            kid.shielded = shielded
            if kind == "foster":
                kid.looked_after = True
                kid.to_be_adopted = kid.age(as_of) < 5 and rng.random() < 0.15
            self._services(kid, kind)
        dups: list[_Kid] = []
        if self.faults:
            for kid in kids:
                dup = self._maybe_duplicate(kid, members)
                if dup is not None:
                    dups.append(dup)
        yield household
        for kid in kids:
            yield self._child_record(kid)
            self.children_done += 1
        for dup in dups:
            yield self._child_record(dup)
        for m in members:
            yield FamilyMember(
                id=m.id,
                given_name=m.given,
                family_name=m.family,
                date_of_birth=m.dob,
                phone=m.phone,
                household_id=m.household_id,
                relations=m.relations,
            )
        for kid in kids + dups:
            self._finish(kid)
            self._register(kid)
            kid.recs.sort(key=lambda rec: _TYPE_RANK[type(rec)])
            yield from kid.recs

    def _distinct(self, kids: list[_Kid]) -> None:
        """Give no two genuine children the same given name, family name and date of
        birth (so every such match in the data is an injected duplicate), and no two
        children of one household the same given name."""
        rng = self._rng
        names: set[str] = set()
        for kid in kids:
            if kid.dob is None or kid.given is None:
                continue
            pool = (
                _FEMALE
                if kid.gender is Gender.FEMALE
                else _MALE
                if (kid.gender is Gender.MALE)
                else _FEMALE + _MALE
            )
            while True:
                key = f"{kid.given}\x1f{kid.family}\x1f{kid.dob.isoformat()}".encode()
                digest = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
                if kid.given not in names and digest not in self._identities:
                    break
                kid.given = rng.choice(pool)
                if kid.preferred not in _NICKNAMES.get(kid.given, ()):
                    kid.preferred = None
            names.add(kid.given)
            self._identities.add(digest)

    def _kid(
        self,
        loc: _Locality,
        hh_id: str,
        address: str,
        postcode: str,
        surname: str,
        dob: date | None,
        expected: date | None,
        primary: str,
        secondary: str,
        gp: str,
        cc: str,
    ) -> _Kid:
        rng = self._rng
        as_of = self.as_of
        unborn = dob is None
        if unborn:
            gender = (
                Gender.NOT_KNOWN if rng.random() < 0.8 else rng.choice((Gender.FEMALE, Gender.MALE))
            )
        else:
            r = rng.random()
            gender = (
                Gender.FEMALE
                if r < 0.49
                else Gender.MALE
                if r < 0.985
                else (Gender.OTHER if r < 0.99 else Gender.NOT_KNOWN)
            )
        names = (
            _FEMALE
            if gender is Gender.FEMALE
            else _MALE
            if gender is Gender.MALE
            else (_FEMALE if rng.random() < 0.5 else _MALE)
        )
        given = None if unborn else rng.choice(names)
        middle = None if unborn or rng.random() < 0.4 else rng.choice(names)
        age = _age(dob, as_of)
        stage = _stage(age)
        school = primary if stage == "primary" else secondary if stage == "secondary" else None
        if age >= 16 and rng.random() < 0.3:
            school, stage = None, None  # at college or in work-based learning
        kid = _Kid(
            id=self._id("CH"),
            given=given,
            middle=middle,
            family=surname,
            dob=dob,
            expected=expected,
            gender=gender,
            nhs=None if unborn or rng.random() < 0.15 else self._nhs(),
            loc=loc,
            household_id=hh_id,
            address=address,
            postcode=postcode,
            school_id=school,
            school_stage=stage,
            gp_id=gp,
            cc_id=cc,
        )
        if given and given in _NICKNAMES and rng.random() < 0.1:
            kid.preferred = rng.choice(_NICKNAMES[given])
        if not unborn:
            r = rng.random()
            kid.disability = Disability.DISABILITY if r < 0.025 else Disability.NONE
            kid.learning_difficulty = age >= 3 and rng.random() < 0.03
        return kid

    def _family(
        self,
        kind: str,
        hh_id: str,
        kids: list[_Kid],
        births: list[tuple[date | None, date | None, int]],
        mother_name: str,
        father_name: str,
    ) -> list[_Member]:
        rng = self._rng
        as_of = self.as_of
        eldest = kids[0].born_on
        members: list[_Member] = []

        def person(
            female: bool, family: str, age_at_eldest: tuple[int, int], household: str | None
        ) -> _Member:
            born = _years_before(eldest, rng.randint(*age_at_eldest)) - _days(rng.randint(0, 364))
            m = _Member(
                self._id("FM"),
                rng.choice(_FEMALE if female else _MALE),
                family,
                born if rng.random() < 0.9 else None,
                self._phone(),
                household,
            )
            members.append(m)
            return m

        def relate(m: _Member, kid: _Kid, rel: Relationship, pr: bool, carer: bool) -> None:
            m.relations.append(
                FamilyRelation(
                    child_id=kid.id, relationship=rel, parental_responsibility=pr, carer=carer
                )
            )
            if pr:
                kid.pr_ids.append(m.id)
            if carer:
                kid.carer_ids.append(m.id)

        if kind == "foster":
            carers = [person(True, rng.choice(_SURNAMES), (28, 55), hh_id)]
            if rng.random() < 0.6:
                carers.append(person(False, carers[0].family, (28, 58), hh_id))
            for kid in kids:
                for c in carers:
                    relate(c, kid, Relationship.FOSTER_CARER, False, True)
                birth_mother = _Member(
                    self._id("FM"),
                    rng.choice(_FEMALE),
                    kid.family,
                    _years_before(kid.born_on, rng.randint(17, 38)),
                    self._phone(),
                    None,
                )
                members.append(birth_mother)
                relate(birth_mother, kid, Relationship.MOTHER, True, False)
            return members
        if kind == "kinship":
            gran = person(True, mother_name, (38, 62), hh_id)
            grandad = person(False, mother_name, (40, 65), hh_id) if rng.random() < 0.5 else None
            sgo = rng.random() < 0.6  # special guardianship order gives PR
            mum: _Member | None = None
            if not sgo or rng.random() < 0.5:
                mum = person(True, mother_name, (16, 38), None)
            rel = Relationship.GRANDPARENT if rng.random() < 0.85 else (Relationship.KINSHIP_CARER)
            for kid in kids:
                relate(gran, kid, rel, sgo, True)
                if grandad is not None:
                    relate(grandad, kid, rel, sgo, True)
                if mum is not None:
                    relate(mum, kid, Relationship.MOTHER, True, False)
            return members
        mother = None if kind == "lone_father" else person(True, mother_name, (17, 40), hh_id)
        father: _Member | None = None
        if kind == "two_parent" or kind == "lone_father":
            father = person(False, father_name, (18, 45), hh_id)
        elif kind == "lone_mother" and rng.random() < 0.45:
            father = person(False, father_name, (18, 45), None)
        step: _Member | None = None
        split = 0
        if kind == "blended":
            step = person(False, rng.choice(_SURNAMES), (18, 45), hh_id)
            split = rng.randint(1, max(1, births[-1][2]))  # births before the split are
            # from an earlier relationship
            if rng.random() < 0.4:
                father = person(False, father_name, (18, 45), None)
        father_pr = father is not None and (father.household_id is not None or rng.random() < 0.8)
        for kid, (_, _, index) in zip(kids, births, strict=True):
            if mother is not None:
                relate(mother, kid, Relationship.MOTHER, True, True)
            if kind == "blended" and step is not None:
                if index < split:
                    relate(step, kid, Relationship.STEP_PARENT, False, True)
                    if father is not None:
                        relate(father, kid, Relationship.FATHER, True, False)
                else:
                    kid.family = step.family
                    relate(step, kid, Relationship.FATHER, True, True)
            elif father is not None:
                relate(father, kid, Relationship.FATHER, father_pr, father.household_id is not None)
        if rng.random() < 0.1:
            sib_born = min(
                _years_before(as_of, rng.randint(18, 23)) - _days(rng.randint(0, 300)),
                eldest - _days(400),
            )
            sib = _Member(
                self._id("FM"),
                rng.choice(_FEMALE + _MALE),
                kids[0].family,
                sib_born,
                self._phone(),
                hh_id,
            )
            members.append(sib)
            for kid in kids:
                relate(sib, kid, Relationship.SIBLING, False, False)
        return members

    def _child_record(self, kid: _Kid) -> Child:
        shield: list[str] = []
        if kid.shielded:
            current = [inv.staff.id for inv in kid.invs if inv.end is None]
            shield = current[:2] or [inv.staff.id for inv in kid.invs][:1]
        return Child(
            id=kid.id,
            given_name=kid.given,
            middle_names=kid.middle,
            family_name=kid.family,
            preferred_name=kid.preferred,
            date_of_birth=kid.dob,
            expected_date=kid.expected,
            gender=kid.gender,
            nhs_number=kid.nhs,
            address_line=kid.address,
            postcode=kid.postcode,
            household_id=kid.household_id,
            school_id=kid.school_id,
            gp_practice_id=kid.gp_id,
            looked_after=kid.looked_after,
            to_be_adopted=kid.to_be_adopted,
            disability=kid.disability,
            learning_difficulty=kid.learning_difficulty,
            severe_sen=kid.severe_sen,
            significant_mental_health=kid.significant_mental_health,
            young_offender=kid.young_offender,
            shielded=kid.shielded,
            shield_named=shield,
        )

    # ------------------------------------------------------------------ services

    def _services(self, kid: _Kid, kind: str) -> None:
        rng = self._rng
        as_of = self.as_of
        self._universal(kid)
        age = kid.age(as_of)
        if kind == "foster":
            self._looked_after(kid)
            return
        if kid.shielded:
            self._shielded(kid)
            return
        if self.faults and kid.dob is not None and age >= 0 and self._frng.random() < 0.003:
            self._targeted(kid, several=True)
            return
        r = rng.random()
        if kid.dob is None:
            if r < 0.04:
                self._caf_path(kid)
            elif r < 0.09:
                self._targeted(kid)
            return
        recent = kid.dob > as_of - _days(60)
        if r < 0.003 and not recent:
            self._statutory_plan(kid, PlanKind.CHILD_PROTECTION)
        elif r < 0.011 and not recent:
            self._statutory_plan(kid, PlanKind.CHILD_IN_NEED)
        elif r < 0.016 and not recent:
            kid.disability = Disability.COMPLEX
            kid.severe_sen = kid.school_id is not None and rng.random() < 0.6
            self._statutory_plan(kid, PlanKind.COORDINATED_SUPPORT, key="disabled")
        elif r < 0.019 and age >= 10:
            kid.young_offender = True
            self._statutory_plan(kid, PlanKind.COORDINATED_SUPPORT, key="yos")
        elif r < 0.06:
            if not self._caf_path(kid):
                self._targeted(kid)
        elif r < 0.118:
            self._targeted(kid)

    def _involve(
        self,
        kid: _Kid,
        key: str,
        start: date,
        end: date | None,
        role: Role | None = None,
        until: date | None = None,
        level: ServiceLevel | None = None,
        agency_id: str | None = None,
        avoid: Sequence[_Staff] = (),
    ) -> _Inv:
        """An involvement of a practitioner of service ``key``; ``until`` is the last day
        the practitioner must still be in post (defaults to ``end``)."""
        agency = agency_id or self._agency(kid, key)
        assert agency is not None
        lvl = level or _max_level(_SERVICES[self._agency_key[agency]][1], _T)
        if role is None:
            role = self._rng.choice(_SERVICES[self._agency_key[agency]][2])
        staff = self._pick(agency, role, until if until is not None else end, avoid)
        inv = _Inv(self._id("IN"), staff, agency, key, lvl, start, end)
        kid.invs.append(inv)
        return inv

    def _universal(self, kid: _Kid) -> None:
        rng = self._rng
        as_of = self.as_of
        if kid.dob is None:
            booking = kid.born_on - _days(7 * rng.randint(26, 30))
            self._involve(kid, "midwifery", booking, None, Role.MIDWIFE, level=_U)
            return
        age_days = (as_of - kid.dob).days
        if age_days < 60:
            booking = kid.dob - _days(7 * rng.randint(26, 30))
            end = kid.dob + _days(rng.randint(10, 28))
            if end >= as_of:
                self._involve(kid, "midwifery", booking, None, Role.MIDWIFE, level=_U)
            else:
                inv = self._involve(kid, "midwifery", booking, end, Role.MIDWIFE, level=_U)
                inv.end_reason = "Discharged from midwifery care to the health visitor"
        if kid.age(as_of) < 5:
            start = kid.dob + _days(rng.randint(10, 14))
            if start <= as_of:
                self._involve(kid, "hv", start, None, Role.HEALTH_VISITOR, level=_U)

    def _targeted_keys(self, kid: _Kid, on: date) -> list[str]:
        age = kid.age(on)
        if kid.dob is None or age < 0:
            return ["cc", "early_help", "da"]
        if age < 4:
            return ["cc", "early_help", "hv", "da", "housing"]
        keys = ["school_nursing", "early_help", "camhs", "da", "housing"]
        if age >= 5:
            keys += ["ews"] if age <= 16 else []
        if age >= 8:
            keys.append("young_carers")
        if age >= 13:
            keys += ["drug", "sexual_health"]
        if age >= 14:
            keys.append("mental_health")
        return keys

    def _earliest(self, kid: _Kid) -> date:
        """The earliest date services for this child may start."""
        as_of = self.as_of
        if kid.dob is None:
            return max(kid.born_on - _days(7 * 24), as_of - _days(120))
        return max(kid.dob + _days(14), as_of - _days(3 * 365))

    def _giver(self, kid: _Kid, on: date) -> dict[str, Any]:
        """Who gives consent about ``kid`` on ``on``: a parent with parental
        responsibility, or the child when of sufficient age and understanding."""
        rng = self._rng
        age = kid.age(on)
        p_child = 0.75 if age >= 16 else 0.4 if age >= 12 else 0.0
        if not kid.pr_ids and age >= 12:
            p_child = 1.0
        if rng.random() < p_child:
            return {"given_by_child": True, "child_competent": True}
        assert kid.pr_ids, f"{kid.id} has nobody to give consent"
        out: dict[str, Any] = {"given_by_family_member_id": rng.choice(kid.pr_ids)}
        if age >= 12:
            out["child_competent"] = rng.random() < 0.5
        return out

    def _scopes(self, key: str) -> list[Scope]:
        rng = self._rng
        scopes = [Scope.CONTACT_DETAILS, Scope.INVOLVEMENT]
        kind = _SERVICES["primary" if key == "school" else key][0]
        if (
            kind
            in (
                AgencyKind.CAMHS,
                AgencyKind.SCHOOL_NURSING,
                AgencyKind.HEALTH_VISITING,
                AgencyKind.GP_PRACTICE,
                AgencyKind.MIDWIFERY,
            )
            or rng.random() < 0.3
        ):
            scopes.append(Scope.HEALTH)
        if kind in (AgencyKind.SCHOOL, AgencyKind.EDUCATION_WELFARE) or rng.random() < 0.3:
            scopes.append(Scope.EDUCATION)
        if key in ("cin", "cp", "lac", "disabled"):
            scopes.append(Scope.SOCIAL_CARE)
        if key in _SENSITIVE_KEYS:
            scopes.append(Scope.SENSITIVE_SERVICES)
        return scopes

    def _consent(
        self,
        kid: _Kid,
        on: date,
        *,
        to_agency: str | None = None,
        to_caf: str | None = None,
        scopes: list[Scope],
        decision: ConsentDecision = ConsentDecision.GIVEN,
        expires: date | None = None,
        withdrawn: date | None = None,
        recorded_by: str | None = None,
        purpose: str | None = None,
    ) -> Consent:
        rng = self._rng
        consent = Consent(
            id=self._id("CO"),
            child_id=kid.id,
            decision=decision,
            kind=ConsentKind.EXPLICIT if rng.random() < 0.8 else ConsentKind.IMPLIED,
            to_agency_id=to_agency,
            to_caf_id=to_caf,
            scopes=scopes,
            purpose=purpose,
            given_on=on,
            expires_on=expires,
            withdrawn_on=withdrawn,
            recorded_by_id=recorded_by,
            **self._giver(kid, on),
        )
        kid.recs.append(consent)
        return consent

    def _refer(
        self,
        kid: _Kid,
        key: str,
        agency_id: str,
        on: date,
        from_id: str,
        caf_id: str | None = None,
        reason: str | None = None,
        basis_id: str | None = None,
        expires: date | None = None,
        withdrawn: date | None = None,
    ) -> Referral:
        """A referral with the consent it rests on (or a recorded statutory basis)."""
        consent_id = None
        if basis_id is None:
            consent = self._consent(
                kid,
                on,
                to_agency=agency_id,
                scopes=self._scopes(key),
                recorded_by=from_id,
                expires=expires,
                withdrawn=withdrawn,
                purpose="Referral for support",
            )
            consent_id = consent.id
        referral = Referral(
            id=self._id("RF"),
            child_id=kid.id,
            from_practitioner_id=from_id,
            to_agency_id=agency_id,
            referred_on=on,
            caf_id=caf_id,
            consent_id=consent_id,
            statutory_basis_id=basis_id,
            reason=reason or self._rng.choice(_REFERRAL_REASONS),
        )
        kid.recs.append(referral)
        return referral

    def _referrer(self, kid: _Kid, on: date) -> _Staff:
        """A universal practitioner who knows the child and might refer."""
        school = self._school_on(kid, on)
        if school is not None and self._rng.random() < 0.7:
            role = (
                Role.HEAD_OF_YEAR
                if kid.school_stage == "secondary"
                else (Role.DESIGNATED_SAFEGUARDING_LEAD)
            )
            return self._pick(
                school, self._rng.choice((role, Role.DESIGNATED_SAFEGUARDING_LEAD)), None
            )
        if 0 <= kid.age(on) < 5 and self._rng.random() < 0.7:
            return self._pick(kid.loc.agencies["hv"][0], Role.HEALTH_VISITOR, None)
        return self._pick(kid.gp_id, Role.GP, None)

    def _assessment(
        self, kid: _Kid, kind: AssessmentKind, by: _Staff, start: date, within: int
    ) -> Assessment:
        rng = self._rng
        as_of = self.as_of
        late = kind is AssessmentKind.INITIAL and self.faults and self._frng.random() < 0.08
        days = rng.randint(11, 22) if late else rng.randint(max(1, within // 3), within)
        done: date | None = _add_working_days(start, days)
        assert done is not None
        sent: date | None = _weekday(done + _days(rng.randint(0, 3)))
        # a late one still open on as_of is overdue once its time limit has passed
        overdue = late and done > as_of and _add_working_days(start, within + 1) <= as_of
        if done > as_of:
            done, sent = None, None
            late = False
        elif sent is not None and sent > as_of:
            sent = as_of
        record = Assessment(
            id=self._id("AS"),
            child_id=kid.id,
            kind=kind,
            practitioner_id=by.id,
            started_on=start,
            completed_on=done,
            analysis_sent_on=sent,
        )
        if late:
            self.truth.late_assessments.append(record.id)
        if overdue:
            self.truth.overdue_assessments.append(record.id)
        kid.recs.append(record)
        return record

    def _meeting(
        self,
        kid: _Kid,
        kind: MeetingKind,
        on: date,
        chair: _Staff | None,
        attendees: Iterable[_Staff],
        caf_id: str | None = None,
        plan_id: str | None = None,
        family: bool | None = None,
    ) -> Meeting:
        rng = self._rng
        sent = min(_weekday(on + _days(rng.randint(0, 3))), self.as_of)  # within 5 days
        meeting = Meeting(
            id=self._id("MT"),
            child_id=kid.id,
            kind=kind,
            held_on=on,
            caf_id=caf_id,
            plan_id=plan_id,
            chair_id=chair.id if chair else None,
            attendee_ids=[s.id for s in attendees],
            family_attended=rng.random() < 0.85 if family is None else family,
            written_outcome_sent_on=sent,
        )
        kid.recs.append(meeting)
        return meeting

    def _actions(
        self,
        kid: _Kid,
        plan: Plan,
        team: Sequence[_Inv],
        start: date,
        ended: date | None,
        count: int,
    ) -> None:
        rng = self._rng
        as_of = self.as_of
        outcomes = list(Outcome)
        for _ in range(count):
            outcome = rng.choice(outcomes)
            inv = rng.choice(team) if team else None
            due = _weekday(start + _days(rng.randint(28, 180)))
            completed = None
            if due <= as_of and rng.random() < 0.65:
                completed = max(start, due - _days(rng.randint(0, 21)))
                if ended is not None and completed > ended:
                    completed = ended
            kid.recs.append(
                PlanAction(
                    id=self._id("PA"),
                    plan_id=plan.id,
                    description=rng.choice(_ACTIONS[outcome]),
                    outcome=outcome,
                    agency_id=inv.agency_id if inv else None,
                    practitioner_id=inv.staff.id if inv else None,
                    due_on=due,
                    how_we_will_know=rng.choice(_HOW_WE_KNOW),
                    completed_on=completed,
                )
            )

    # -- targeted, single-agency work with no CAF

    def _targeted(self, kid: _Kid, several: bool = False) -> None:
        rng = self._rng
        as_of = self.as_of
        lo = self._earliest(kid)
        hi = as_of - _days(14)
        if lo > hi:
            return
        keys = self._targeted_keys(kid, as_of)
        rng.shuffle(keys)
        open_agencies = {inv.agency_id for inv in kid.invs if inv.end is None}
        wanted = rng.randint(3, 4) if several else (1 if rng.random() < 0.75 else 2)
        if kid.shielded:
            keys = ["da"] + [k for k in keys if k != "da"]
        chosen = 0
        for key in keys:
            if chosen >= wanted:
                break
            agency = self._agency(kid, key)
            if agency is None or agency in open_agencies:
                continue
            start = _weekday(lo + _days(rng.randint(0, (hi - lo).days)))
            if start > hi:
                continue
            end: date | None = None
            if not several and not kid.shielded and rng.random() < 0.35:
                end = start + _days(rng.randint(30, 300))
                if end >= as_of:
                    end = None
            if end is None:
                # at most two agencies with open involvements unless this is the fault
                if not several and len(open_agencies) >= 2:
                    continue
                open_agencies.add(agency)
            if key in _REFERRAL_KEYS:
                referrer = self._referrer(kid, start)
                withdrawn = end if end is not None and rng.random() < 0.2 else None
                self._refer(kid, key, agency, start, referrer.id, withdrawn=withdrawn)
            inv = self._involve(kid, key, start, end, agency_id=agency)
            if end is not None:
                inv.end_reason = (
                    "Family withdrew consent" if rng.random() < 0.2 else rng.choice(_END_REASONS)
                )
            chosen += 1
        if rng.random() < 0.06:
            key = rng.choice(self._targeted_keys(kid, as_of))
            agency = self._agency(kid, key)
            if agency is not None:
                self._consent(
                    kid,
                    _weekday(lo + _days(rng.randint(0, (hi - lo).days))),
                    to_agency=agency,
                    scopes=self._scopes(key),
                    decision=ConsentDecision.REFUSED,
                    purpose="Referral for support",
                )
        if several:
            agencies = {inv.agency_id for inv in kid.invs if inv.end is None}
            if len(agencies) >= 3:
                self.truth.several_agencies_without_caf.append(kid.id)

    def _shielded(self, kid: _Kid) -> None:
        """A shielded child (fleeing domestic abuse): the Hope Project and one more."""
        self._targeted(kid)
        if not any(inv.end is None for inv in kid.invs):
            start = max(self._earliest(kid), self.as_of - _days(60))
            self._involve(kid, "da", min(start, self.as_of), None)

    # -- statutory and co-ordinated plans without a CAF

    def _plan_reviews(
        self,
        kid: _Kid,
        plan_id: str,
        start: date,
        end: date | None,
        lead: _Staff,
        team: list[_Staff],
        kind: MeetingKind,
        gap: tuple[int, int],
        first: int | None = None,
    ) -> tuple[date | None, list[tuple[date, Meeting]]]:
        """Reviews of a plan from ``start`` to ``end`` (or now); returns the next review
        date and the review meetings."""
        rng = self._rng
        limit = (end if end is not None else self.as_of) - _days(1)
        t = start
        held: list[tuple[date, Meeting]] = []
        step = first
        while True:
            nxt = _weekday(t + _days(step if step is not None else rng.randint(*gap)))
            step = None
            if nxt > limit:
                return (None if end is not None else nxt), held
            meeting = self._meeting(kid, kind, nxt, lead, [lead, *team], plan_id=plan_id)
            held.append((nxt, meeting))
            t = nxt

    def _statutory_plan(self, kid: _Kid, kind: PlanKind, key: str | None = None) -> None:
        rng = self._rng
        as_of = self.as_of
        if key is None:
            key = "cp" if kind is PlanKind.CHILD_PROTECTION else "cin"
        lo = max(self._earliest(kid), as_of - _days(700))
        hi = as_of - _days(40)
        if lo > hi:
            self._targeted(kid)
            return
        referred = _weekday(lo + _days(rng.randint(0, (hi - lo).days)))
        agency = self._agency(kid, key)
        assert agency is not None
        referrer = self._referrer(kid, referred)
        ends = kind is PlanKind.CHILD_IN_NEED and rng.random() < 0.3
        plan_start = _add_working_days(referred, rng.randint(8, 15))
        end: date | None = None
        if ends:
            end = _weekday(plan_start + _days(rng.randint(90, 400)))
            if end >= as_of - _days(3):
                end = None
        lead_role = {"yos": Role.YOUTH_OFFENDING_OFFICER}.get(key, Role.SOCIAL_WORKER)
        lead_inv = self._involve(
            kid, key, referred, end, lead_role, agency_id=agency, level=_SERVICES[key][1]
        )
        lead = lead_inv.staff
        basis_id: str | None = None
        if kind is PlanKind.CHILD_PROTECTION:
            basis = StatutoryBasis(
                id=self._id("SB"),
                child_id=kid.id,
                ground=StatutoryGround.SIGNIFICANT_HARM,
                recorded_by_id=referrer.id,
                recorded_on=referred,
                reason=rng.choice(_HARM_REASONS),
                to_agency_id=agency,
                scopes=[
                    Scope.CONTACT_DETAILS,
                    Scope.INVOLVEMENT,
                    Scope.HEALTH,
                    Scope.EDUCATION,
                    Scope.SOCIAL_CARE,
                ],
            )
            kid.recs.append(basis)
            basis_id = basis.id
        elif key == "yos":
            basis = StatutoryBasis(
                id=self._id("SB"),
                child_id=kid.id,
                ground=StatutoryGround.COURT_ORDER,
                recorded_by_id=lead.id,
                recorded_on=referred,
                reason="Youth rehabilitation order with supervision",
                to_agency_id=agency,
                scopes=[Scope.CONTACT_DETAILS, Scope.INVOLVEMENT, Scope.EDUCATION],
                valid_until=referred + _days(365),
            )
            kid.recs.append(basis)
            basis_id = basis.id
        if key != "yos":
            self._refer(kid, key, agency, referred, referrer.id, basis_id=basis_id)
        if kind is PlanKind.CHILD_PROTECTION:
            police = self._pick(self._wide["police"], Role.POLICE_OFFICER, None)
            manager = self._manager(agency)
            self._meeting(
                kid,
                MeetingKind.STRATEGY,
                _weekday(referred + _days(1)),
                manager,
                [manager, lead, referrer, police],
                family=False,
            )
        if key in ("cp", "cin"):
            initial = self._assessment(kid, AssessmentKind.INITIAL, lead, referred, 10)
            if initial.completed_on is not None:
                self._assessment(kid, AssessmentKind.CORE, lead, initial.completed_on, 35)
        members: list[_Inv] = []
        age = kid.age(plan_start)
        options = ["gp", "early_help"] + (["hv"] if age < 5 else ["school", "school_nursing"])
        options += ["camhs"] if age >= 5 else []
        rng.shuffle(options)
        for member_key in options[: rng.randint(1, 3)]:
            if member_key == "school":
                school = self._school_on(kid, plan_start)
                if school is None:
                    continue
                role = (
                    Role.HEAD_OF_YEAR
                    if kid.school_stage == "secondary"
                    else (Role.DESIGNATED_SAFEGUARDING_LEAD)
                )
                if kid.severe_sen:
                    role = Role.SENCO
                members.append(
                    self._involve(kid, member_key, plan_start, end, role, agency_id=school)
                )
            else:
                if member_key == "camhs":
                    kid.significant_mental_health = kid.age(plan_start) >= 10 and (
                        rng.random() < 0.5
                    )
                    self._refer(kid, "camhs", self._wide["camhs"], plan_start, lead.id)
                members.append(self._involve(kid, member_key, plan_start, end))
        if end is not None:
            lead_inv.end_reason = "Social care involvement closed"
            for inv in members:
                inv.end_reason = "Plan ended"
        plan_id = self._id("PL")
        meeting_kind = {
            PlanKind.CHILD_PROTECTION: MeetingKind.REVIEW,
            PlanKind.CHILD_IN_NEED: MeetingKind.TACIN,
        }.get(kind, MeetingKind.REVIEW)
        first = 90 if kind is PlanKind.CHILD_PROTECTION else None
        team = [m.staff for m in members]
        next_review, held = self._plan_reviews(
            kid,
            plan_id,
            plan_start,
            end,
            lead,
            team,
            meeting_kind,
            (90, REVIEW_INTERVAL_DAYS),
            first,
        )
        plan = Plan(
            id=plan_id,
            child_id=kid.id,
            kind=kind,
            started_on=plan_start,
            ended_on=end,
            next_review_on=next_review,
        )
        kid.recs.append(plan)
        self._actions(kid, plan, [lead_inv, *members], plan_start, end, rng.randint(2, 4))
        kid.plan_teams.append((lead, plan_id, TeamRole.LEAD, plan_start, end))
        for inv in members:
            kid.plan_teams.append((inv.staff, plan_id, TeamRole.MEMBER, plan_start, end))
        if kind is PlanKind.CHILD_PROTECTION:
            core = _add_working_days(plan_start, 10)
            if core <= as_of:
                self._meeting(
                    kid, MeetingKind.CORE_GROUP, core, lead, [lead, *team], plan_id=plan_id
                )
        for i, (held_on, meeting) in enumerate(held):
            following = held[i + 1][0] if i + 1 < len(held) else (next_review or end)
            kid.recs.append(
                Review(
                    id=self._id("RV"),
                    plan_id=plan_id,
                    held_on=held_on,
                    outcome=ReviewOutcome.CONTINUE,
                    next_review_on=following,
                    meeting_id=meeting.id,
                    recorded_by_id=lead.id,
                    social_worker_present=key in ("cp", "cin", "disabled", "lac"),
                )
            )
        if end is not None:
            # closing social care involvement (004 section 6): team manager decides,
            # TACiN meeting, everyone notified
            manager = self._manager(agency)
            meeting = self._meeting(
                kid, MeetingKind.TACIN, end, lead, [lead, manager, *team], plan_id=plan_id
            )
            kid.recs.append(
                Review(
                    id=self._id("RV"),
                    plan_id=plan_id,
                    held_on=end,
                    outcome=ReviewOutcome.CLOSE,
                    meeting_id=meeting.id,
                    recorded_by_id=lead.id,
                    social_worker_present=True,
                )
            )
            new: list[str] = []
            if rng.random() < 0.5:
                new_agency = self._agency(kid, "early_help" if rng.random() < 0.6 else "cc")
                assert new_agency is not None
                new.append(new_agency)
            consultant = rng.random() < 0.3
            decider = (
                self._pick(agency, Role.CONSULTANT_SOCIAL_WORKER, None) if consultant else manager
            )
            change = LevelChange(
                id=self._id("LC"),
                child_id=kid.id,
                direction=ChangeDirection.CLOSE,
                changed_on=end,
                from_level=_SERVICES[key][1],
                to_level=_U,
                plan_id=plan_id,
                decided_by_id=decider.id,
                agreed_by_id=manager.id if consultant else None,
                tacin_meeting_id=meeting.id,
                new_agency_ids=new,
            )
            kid.recs.append(change)
            kid.changes.append(_Change(change, decider.id))

    def _looked_after(self, kid: _Kid) -> None:
        rng = self._rng
        as_of = self.as_of
        assert kid.dob is not None
        agency = self._wide["lac"]
        lo = max(kid.dob + _days(3), as_of - _days(6 * 365))
        hi = as_of - _days(20)
        placed = _weekday(lo + _days(rng.randint(0, max(0, (hi - lo).days))))
        if placed > as_of - _days(1):
            placed = as_of - _days(1)
        lead_inv = self._involve(
            kid, "lac", placed, None, Role.SOCIAL_WORKER, agency_id=agency, level=_STAT
        )
        lead = lead_inv.staff
        kid.recs.append(
            StatutoryBasis(
                id=self._id("SB"),
                child_id=kid.id,
                ground=StatutoryGround.COURT_ORDER,
                recorded_by_id=lead.id,
                recorded_on=placed,
                reason="Care order (Children Act 1989 s31)",
                to_agency_id=agency,
                scopes=[
                    Scope.CONTACT_DETAILS,
                    Scope.INVOLVEMENT,
                    Scope.HEALTH,
                    Scope.EDUCATION,
                    Scope.SOCIAL_CARE,
                ],
            )
        )
        members: list[_Inv] = []
        school = self._school_on(kid, as_of)
        if school is not None:
            start = max(placed, as_of - _days(300))
            members.append(
                self._involve(
                    kid, "school", start, None, Role.DESIGNATED_SAFEGUARDING_LEAD, agency_id=school
                )
            )
        if kid.age(as_of) >= 5 and rng.random() < 0.3:
            start = _weekday(placed + _days(rng.randint(0, max(0, (as_of - placed).days - 1))))
            start = min(start, as_of)
            self._refer(kid, "camhs", self._wide["camhs"], start, lead.id)
            members.append(self._involve(kid, "camhs", start, None))
        hv = [inv for inv in kid.invs if inv.key == "hv"]
        stable = rng.random() < 0.2 and (as_of - placed).days > 400
        plan_id = self._id("PL")
        team = [m.staff for m in members] + [inv.staff for inv in hv]
        gap = (300, 350) if stable else (90, REVIEW_INTERVAL_DAYS)
        next_review, held = self._plan_reviews(
            kid, plan_id, placed, None, lead, team, MeetingKind.REVIEW, gap, first=28
        )
        plan = Plan(
            id=plan_id,
            child_id=kid.id,
            kind=PlanKind.LOOKED_AFTER_CARE,
            started_on=placed,
            next_review_on=next_review,
            stable_long_term=stable,
        )
        kid.recs.append(plan)
        self._actions(kid, plan, [lead_inv, *members], placed, None, rng.randint(2, 4))
        kid.plan_teams.append((lead, plan_id, TeamRole.LEAD, placed, None))
        for inv in members:
            kid.plan_teams.append((inv.staff, plan_id, TeamRole.MEMBER, inv.start, None))
        for i, (held_on, meeting) in enumerate(held):
            kid.recs.append(
                Review(
                    id=self._id("RV"),
                    plan_id=plan_id,
                    held_on=held_on,
                    outcome=ReviewOutcome.CONTINUE,
                    next_review_on=held[i + 1][0] if i + 1 < len(held) else next_review,
                    meeting_id=meeting.id,
                    recorded_by_id=lead.id,
                    social_worker_present=True,
                )
            )

    # -- the CAF and its Team Around the Child

    def _lead_keys(self, kid: _Kid, on: date) -> list[tuple[str, Role]]:
        age = kid.age(on)
        if kid.dob is None or age < 0:
            return [("midwifery", Role.MIDWIFE)]
        options: list[tuple[str, Role]]
        if age < 4:
            options = [("hv", Role.HEALTH_VISITOR)] * 5 + [("cc", Role.FAMILY_SUPPORT_WORKER)] * 2
            options += [("early_help", Role.EARLY_HELP_WORKER)] * 3
        else:
            options = [("early_help", Role.EARLY_HELP_WORKER)] * 3
            options += [("school_nursing", Role.SCHOOL_NURSE)]
            if self._school_on(kid, on) is not None:
                if kid.school_stage == "secondary":
                    options += [("school", Role.HEAD_OF_YEAR)] * 3
                options += [("school", Role.DESIGNATED_SAFEGUARDING_LEAD)] * 3
                options += [("school", Role.SENCO)]
        options.append(("mast", Role.MAST_MEMBER))
        return options

    def _member_keys(self, kid: _Kid, on: date) -> list[str]:
        age = kid.age(on)
        keys = ["early_help", "gp"]
        if kid.dob is None or age < 0:
            return ["cc", "early_help", "da", "hv"]
        if age < 4:
            keys += ["hv", "cc", "da", "housing", "mast"]
        else:
            keys += ["school_nursing", "camhs", "da", "housing", "mast"]
            if self._school_on(kid, on) is not None:
                keys += ["school", "school"]
            if 5 <= age <= 16:
                keys.append("ews")
            if age >= 8:
                keys.append("young_carers")
            if age >= 13:
                keys += ["drug", "sexual_health"]
        return keys

    def _caf_timeline(
        self, start: date, horizon: date, can_change: bool
    ) -> tuple[list[tuple[date, ReviewOutcome, ServiceLevel, ServiceLevel]], date | None]:
        """Review dates and outcomes from ``start`` up to ``horizon``, with the level
        before and after each; and the next planned review (None once closed)."""
        rng = self._rng
        events: list[tuple[date, ReviewOutcome, ServiceLevel, ServiceLevel]] = []
        t, level = start, _T
        while True:
            nxt = _weekday(t + _days(rng.randint(84, REVIEW_INTERVAL_DAYS - 2)))
            if nxt > horizon:
                return events, nxt
            r = rng.random()
            outcome, after = ReviewOutcome.CONTINUE, level
            if can_change and level is _T:
                if r < 0.24:
                    outcome, after = ReviewOutcome.CLOSE, level
                elif r < 0.33:
                    outcome = ReviewOutcome.STEP_UP
                    after = _STAT if rng.random() < 0.15 else _CIN
            elif can_change and level is _CIN:
                if r < 0.33:
                    outcome, after = ReviewOutcome.STEP_DOWN, _T
                elif r < 0.4:
                    outcome, after = ReviewOutcome.STEP_UP, _STAT
                elif r < 0.45:
                    outcome = ReviewOutcome.CLOSE
            elif can_change and level is _STAT and r < 0.35:
                outcome, after = ReviewOutcome.STEP_DOWN, _CIN
            events.append((nxt, outcome, level, after))
            t, level = nxt, after
            if outcome is ReviewOutcome.CLOSE:
                return events, None

    def _caf_path(self, kid: _Kid) -> bool:
        """One CAF (sometimes a second after the first closed); False when the child is
        too young for one."""
        rng = self._rng
        as_of = self.as_of
        lo = self._earliest(kid)
        hi = as_of - _days(7)
        if lo > hi:
            return False
        overdue = False
        horizon = as_of - _days(1)
        if self.faults and self._frng.random() < 0.065:
            h = as_of - _days(self._frng.randint(OVERDUE_MIN_DAYS, 420))
            if h >= lo:
                overdue, horizon = True, h
                hi = h
                lo = max(lo, h - _days(500))
        start = _weekday(lo + _days(rng.randint(0, (hi - lo).days)))
        if start > hi:
            start = hi
        span = self._caf(kid, start, horizon, can_change=not overdue)
        if overdue:
            self.truth.overdue_reviews.append(span.id)
        elif span.closed is not None and span.closed < as_of - _days(90) and rng.random() < 0.2:
            again = _weekday(span.closed + _days(rng.randint(60, 400)))
            if again <= as_of - _days(7):
                self._caf(kid, again, as_of - _days(1), can_change=True)
        if self.faults and self._frng.random() < 0.10:
            self._disengage(kid, kid.cafs[-1])
        return True

    def _join(
        self,
        kid: _Kid,
        span: _CafSpan,
        key: str,
        on: date,
        closed: date | None,
        role: Role | None = None,
        lead: bool = False,
        agency_id: str | None = None,
        level: ServiceLevel | None = None,
        avoid: Sequence[_Staff] = (),
    ) -> _Inv | None:
        agency = agency_id or self._agency(kid, key)
        if agency is None:
            return None
        if key == "school" and role is None:
            role = self._rng.choice(
                (
                    Role.DESIGNATED_SAFEGUARDING_LEAD,
                    Role.HEAD_OF_YEAR if kid.school_stage == "secondary" else Role.TEACHER,
                )
            )
        team = [i.staff for i in span.invs if i.end is None or i.end >= on]
        inv = self._involve(
            kid,
            key,
            on,
            None,
            role,
            until=closed,
            agency_id=agency,
            level=level,
            avoid=[*avoid, *team],
        )
        inv.caf = span
        span.invs.append(inv)
        if lead:
            inv.lead.append([on, None])
        return inv

    def _leave(self, inv: _Inv, on: date, reason: str) -> None:
        inv.end = on
        inv.end_reason = reason
        for period in inv.lead:
            if period[1] is None:
                period[1] = on

    def _caf(self, kid: _Kid, start: date, horizon: date, can_change: bool) -> _CafSpan:
        rng = self._rng
        as_of = self.as_of
        events, planned = self._caf_timeline(start, horizon, can_change)
        closed = events[-1][0] if events and events[-1][1] is ReviewOutcome.CLOSE else None
        last_level = events[-1][3] if events else _T
        span = _CafSpan(self._id("CAF"), start, closed)
        kid.cafs.append(span)
        lead_key, lead_role = rng.choice(self._lead_keys(kid, start))
        lead = self._join(
            kid,
            span,
            lead_key,
            start,
            closed,
            lead_role,
            lead=True,
            agency_id=self._school_on(kid, start) if lead_key == "school" else None,
        )
        assert lead is not None
        if not events:
            state, changed = CafState.OPEN, start
        else:
            last = events[-1][1]
            state = {
                ReviewOutcome.CONTINUE: CafState.REVIEWED,
                ReviewOutcome.STEP_UP: CafState.STEPPED_UP,
                ReviewOutcome.STEP_DOWN: CafState.STEPPED_DOWN,
                ReviewOutcome.CLOSE: CafState.CLOSED,
            }[last]
            changed = events[-1][0]
        kid.recs.append(
            Caf(
                id=span.id,
                child_id=kid.id,
                started_by_id=lead.staff.id,
                started_on=start,
                state=state,
                state_changed_on=changed,
                level=last_level,
                closed_on=closed,
            )
        )
        expires = withdrawn = None
        if closed is not None:
            if rng.random() < 0.15:
                withdrawn = closed
            else:
                expires = closed + _days(rng.randint(0, 90))
        scopes = [Scope.CONTACT_DETAILS, Scope.INVOLVEMENT, Scope.CAF_CONTENT]
        scopes += [
            s
            for s in (Scope.HEALTH, Scope.EDUCATION, Scope.SOCIAL_CARE, Scope.SENSITIVE_SERVICES)
            if rng.random() < 0.6
        ]
        self._consent(
            kid,
            start,
            to_caf=span.id,
            scopes=scopes,
            expires=expires,
            withdrawn=withdrawn,
            recorded_by=lead.staff.id,
            purpose="Share the CAF with the Team Around the Child",
        )
        self._assessment(kid, AssessmentKind.CAF, lead.staff, start, 10)
        # the initial team
        used = {lead.agency_id}
        for key in rng.sample(self._member_keys(kid, start), k=rng.randint(1, 3)):
            agency = self._school_on(kid, start) if key == "school" else self._agency(kid, key)
            if agency is None or agency in used:
                continue
            used.add(agency)
            if key in _REFERRAL_KEYS:
                self._refer(kid, key, agency, start, lead.staff.id, caf_id=span.id)
            self._join(kid, span, key, start, closed, agency_id=agency)
        if rng.random() < 0.04:
            key = rng.choice(self._member_keys(kid, start))
            agency = self._agency(kid, key)
            if agency is not None and agency not in used:
                self._consent(
                    kid,
                    start,
                    to_agency=agency,
                    scopes=self._scopes(key),
                    decision=ConsentDecision.REFUSED,
                    recorded_by=lead.staff.id,
                    purpose="Share the CAF with this service",
                )
        plan_id = self._id("PL")
        caf_plan = Plan(
            id=plan_id,
            child_id=kid.id,
            kind=PlanKind.CAF_ACTION_PLAN,
            caf_id=span.id,
            started_on=start,
            ended_on=closed,
            next_review_on=planned,
        )
        kid.recs.append(caf_plan)
        self._actions(kid, caf_plan, list(span.invs), start, closed, rng.randint(3, 6))
        first_review = events[0][0] if events else None
        tac = _weekday(start + _days(rng.randint(3, 14)))
        if tac <= as_of and (first_review is None or tac < first_review):
            self._meeting(
                kid, MeetingKind.TAC, tac, lead.staff, self._team(span, tac), caf_id=span.id
            )
            if rng.random() < 0.2:
                fam = _weekday(tac + _days(rng.randint(14, 60)))
                if fam <= as_of and (first_review is None or fam < first_review):
                    self._meeting(
                        kid,
                        MeetingKind.FAMILY,
                        fam,
                        lead.staff,
                        [lead.staff],
                        caf_id=span.id,
                        family=True,
                    )
        statutory: tuple[str, str] | None = None  # (plan id, service key) in force
        for i, (on, outcome, before, after) in enumerate(events):
            following = events[i + 1][0] if i + 1 < len(events) else planned
            current = span.lead_on(on)
            assert current is not None
            team = self._team(span, on)
            decisive = outcome in (ReviewOutcome.STEP_DOWN, ReviewOutcome.CLOSE)
            mkind = MeetingKind.TACIN if decisive and before is not _T else MeetingKind.REVIEW
            meeting = self._meeting(kid, mkind, on, current.staff, team, caf_id=span.id)
            next_on = None if outcome is ReviewOutcome.CLOSE else following
            sw_present = any(
                s.role in (Role.SOCIAL_WORKER, Role.CONSULTANT_SOCIAL_WORKER) for s in team
            )
            kid.recs.append(
                Review(
                    id=self._id("RV"),
                    caf_id=span.id,
                    held_on=on,
                    outcome=outcome,
                    next_review_on=next_on,
                    meeting_id=meeting.id,
                    recorded_by_id=current.staff.id,
                    social_worker_present=sw_present,
                )
            )
            if statutory is not None:
                kid.recs.append(
                    Review(
                        id=self._id("RV"),
                        plan_id=statutory[0],
                        held_on=on,
                        outcome=outcome,
                        next_review_on=next_on,
                        meeting_id=meeting.id,
                        recorded_by_id=current.staff.id,
                        social_worker_present=True,
                    )
                )
            plan_end = None
            for later in events[i + 1 :]:
                if later[1] is not ReviewOutcome.CONTINUE:
                    plan_end = later[0]
                    break
            if outcome is ReviewOutcome.CONTINUE:
                self._caf_continue(kid, span, on, closed, current, before)
            elif outcome is ReviewOutcome.STEP_UP:
                statutory = self._step_up(
                    kid, span, on, closed, current, before, after, plan_end, planned
                )
            elif outcome is ReviewOutcome.STEP_DOWN:
                statutory = self._step_down(
                    kid, span, on, closed, current, before, after, meeting, plan_end, planned
                )
            else:
                self._close(kid, span, on, current, before, meeting)
        return span

    def _team(self, span: _CafSpan, on: date) -> list[_Staff]:
        return [
            inv.staff for inv in span.invs if inv.start <= on and (inv.end is None or on <= inv.end)
        ]

    def _caf_continue(
        self,
        kid: _Kid,
        span: _CafSpan,
        on: date,
        closed: date | None,
        current: _Inv,
        level: ServiceLevel,
    ) -> None:
        rng = self._rng
        active = [inv for inv in span.invs if inv.end is None]
        members = [inv for inv in active if inv is not current and inv.start < on]
        if members and len(active) > 2 and rng.random() < 0.25:
            self._leave(rng.choice(members), on, rng.choice(_END_REASONS))
        if rng.random() < 0.2:
            key = rng.choice(self._member_keys(kid, on))
            agency = self._school_on(kid, on) if key == "school" else self._agency(kid, key)
            if agency is not None and agency not in {inv.agency_id for inv in active}:
                if key in _REFERRAL_KEYS:
                    self._refer(kid, key, agency, on, current.staff.id, caf_id=span.id)
                self._join(kid, span, key, on, closed, agency_id=agency)
        if level is _T and current.start < on and rng.random() < 0.1:
            # a new Lead Professional, agreed at the review: the old one hands over
            key, role = rng.choice(self._lead_keys(kid, on))
            agency = self._school_on(kid, on) if key == "school" else self._agency(kid, key)
            if agency is not None and any(
                s is not current.staff for s in self._active[agency].get(role, [])
            ):
                self._leave(
                    current,
                    on,
                    rng.choice(
                        (
                            "Lead Professional role handed over",
                            "Practitioner moved to another team",
                            "Lead Professional role handed over at review",
                        )
                    ),
                )
                self._join(
                    kid,
                    span,
                    key,
                    on + _days(1),
                    closed,
                    role,
                    lead=True,
                    agency_id=agency,
                    avoid=[current.staff],
                )

    def _hand_lead(self, old: _Inv, new: _Inv, on: date) -> None:
        for period in old.lead:
            if period[1] is None:
                period[1] = on
        new.lead.append([on + _days(1), None])

    def _step_up(
        self,
        kid: _Kid,
        span: _CafSpan,
        on: date,
        closed: date | None,
        current: _Inv,
        before: ServiceLevel,
        after: ServiceLevel,
        plan_end: date | None,
        planned: date | None,
    ) -> tuple[str, str]:
        rng = self._rng
        key = "cin" if after is _CIN else "cp"
        agency = self._agency(kid, key)
        assert agency is not None
        manager = self._manager(agency)
        basis_id: str | None = None
        if key == "cp":
            basis = StatutoryBasis(
                id=self._id("SB"),
                child_id=kid.id,
                ground=StatutoryGround.SIGNIFICANT_HARM,
                recorded_by_id=current.staff.id,
                recorded_on=on,
                reason=rng.choice(_HARM_REASONS),
                to_agency_id=agency,
                scopes=[
                    Scope.CONTACT_DETAILS,
                    Scope.INVOLVEMENT,
                    Scope.HEALTH,
                    Scope.EDUCATION,
                    Scope.SOCIAL_CARE,
                    Scope.CAF_CONTENT,
                ],
            )
            kid.recs.append(basis)
            basis_id = basis.id
        self._refer(
            kid,
            key,
            agency,
            on,
            current.staff.id,
            caf_id=span.id,
            basis_id=basis_id,
            reason="Needs continue to escalate despite the CAF plan",
        )
        change = LevelChange(
            id=self._id("LC"),
            child_id=kid.id,
            direction=ChangeDirection.STEP_UP,
            changed_on=on,
            from_level=before,
            to_level=after,
            caf_id=span.id,
            decided_by_id=manager.id,
            agreed_by_id=current.staff.id,
        )
        kid.recs.append(change)
        sw = self._join(
            kid, span, key, on, closed, Role.SOCIAL_WORKER, agency_id=agency, level=after
        )
        assert sw is not None
        sw.lead.append([on + _days(1), None])
        for period in current.lead:
            if period[1] is None:
                period[1] = on
        if before is not _T:
            # the child-in-need social worker hands over to the child protection one
            self._leave(current, on, "Case transferred to the child protection team")
        if key == "cp":
            police = self._pick(self._wide["police"], Role.POLICE_OFFICER, None)
            self._meeting(
                kid,
                MeetingKind.STRATEGY,
                on,
                manager,
                [manager, sw.staff, current.staff, police],
                caf_id=span.id,
                family=False,
            )
            self._assessment(kid, AssessmentKind.CORE, sw.staff, on, 35)
        else:
            self._assessment(kid, AssessmentKind.INITIAL, sw.staff, on, 10)
        kind = PlanKind.CHILD_PROTECTION if key == "cp" else PlanKind.CHILD_IN_NEED
        plan = Plan(
            id=self._id("PL"),
            child_id=kid.id,
            kind=kind,
            caf_id=span.id,
            started_on=on,
            ended_on=plan_end,
            next_review_on=planned if plan_end is None else None,
        )
        kid.recs.append(plan)
        self._actions(kid, plan, [sw], on, plan_end, rng.randint(2, 3))
        kid.plan_teams.append((sw.staff, plan.id, TeamRole.LEAD, on + _days(1), plan_end))
        return plan.id, key

    def _notify_change(self, kid: _Kid, change: LevelChange, sent_by: str) -> None:
        kid.recs.append(change)
        kid.changes.append(_Change(change, sent_by))

    def _decider(self, agency: str) -> tuple[_Staff, _Staff | None]:
        """Who may close or step down: the team manager, or a consultant social worker
        with the manager's agreement (004 section 6)."""
        manager = self._manager(agency)
        pools = self._active[agency]
        if Role.CONSULTANT_SOCIAL_WORKER in pools and self._rng.random() < 0.3:
            return self._pick(agency, Role.CONSULTANT_SOCIAL_WORKER, None), manager
        return manager, None

    def _step_down(
        self,
        kid: _Kid,
        span: _CafSpan,
        on: date,
        closed: date | None,
        current: _Inv,
        before: ServiceLevel,
        after: ServiceLevel,
        meeting: Meeting,
        plan_end: date | None,
        planned: date | None,
    ) -> tuple[str, str] | None:
        rng = self._rng
        old_key = "cp" if before is _STAT else "cin"
        old_agency = current.agency_id if current.key == old_key else self._agency(kid, old_key)
        assert old_agency is not None
        decider, agreed = self._decider(old_agency)
        new_key = "cin" if after is _CIN else "early_help"
        new_agency = self._agency(kid, new_key)
        assert new_agency is not None
        involved = {inv.agency_id for inv in span.invs if inv.end is None}
        new_agencies = [] if new_agency in involved else [new_agency]
        if after is _T and rng.random() < 0.3:
            extra = self._agency(kid, "cc" if 0 <= kid.age(on) < 5 else "young_carers")
            if extra is not None and extra not in involved:
                new_agencies.append(extra)
        change = LevelChange(
            id=self._id("LC"),
            child_id=kid.id,
            direction=ChangeDirection.STEP_DOWN,
            changed_on=on,
            from_level=before,
            to_level=after,
            caf_id=span.id,
            decided_by_id=decider.id,
            agreed_by_id=agreed.id if agreed else None,
            tacin_meeting_id=meeting.id,
            new_agency_ids=new_agencies,
        )
        self._notify_change(kid, change, decider.id)
        role = Role.SOCIAL_WORKER if new_key == "cin" else Role.EARLY_HELP_WORKER
        new = self._join(
            kid,
            span,
            new_key,
            on + _days(1),
            closed,
            role,
            agency_id=new_agency,
            level=after if new_key == "cin" else None,
        )
        assert new is not None
        self._hand_lead(current, new, on)
        for inv in span.invs:
            if inv.end is None and inv.key == old_key:
                self._leave(inv, on, "Social care involvement closed at step-down")
        if new_key == "cin":
            plan = Plan(
                id=self._id("PL"),
                child_id=kid.id,
                kind=PlanKind.CHILD_IN_NEED,
                caf_id=span.id,
                started_on=on + _days(1),
                ended_on=plan_end,
                next_review_on=planned if plan_end is None else None,
            )
            kid.recs.append(plan)
            self._actions(kid, plan, [new], on + _days(1), plan_end, rng.randint(2, 3))
            kid.plan_teams.append((new.staff, plan.id, TeamRole.LEAD, on + _days(1), plan_end))
            return plan.id, new_key
        return None

    def _close(
        self,
        kid: _Kid,
        span: _CafSpan,
        on: date,
        current: _Inv,
        level: ServiceLevel,
        meeting: Meeting,
    ) -> None:
        rng = self._rng
        key = "cin" if level is _CIN else "early_help"
        agency = self._agency(kid, key)
        assert agency is not None
        if current.key == key:
            agency = current.agency_id
        decider, agreed = self._decider(agency)
        new: list[str] = []
        if rng.random() < 0.3:
            extra = self._agency(kid, "cc" if 0 <= kid.age(on) < 5 else "young_carers")
            if extra is not None:
                new.append(extra)
        change = LevelChange(
            id=self._id("LC"),
            child_id=kid.id,
            direction=ChangeDirection.CLOSE,
            changed_on=on,
            from_level=level,
            to_level=_U,
            caf_id=span.id,
            decided_by_id=decider.id,
            agreed_by_id=agreed.id if agreed else None,
            tacin_meeting_id=meeting.id,
            new_agency_ids=new,
        )
        self._notify_change(kid, change, decider.id)
        for inv in span.invs:
            if inv.end is None:
                self._leave(inv, on, "CAF closed: needs met and stepped down to universal services")

    def _disengage(self, kid: _Kid, span: _CafSpan) -> None:
        """Fault: a team member's involvement ends while the CAF stays open, and nobody
        records a handover."""
        rng = self._frng
        as_of = self.as_of
        last = (span.closed - _days(7)) if span.closed is not None else as_of - _days(1)
        candidates = [
            inv
            for inv in span.invs
            if not inv.lead and inv.end is not None and span.start < inv.end <= last
        ]
        if candidates:
            inv = rng.choice(candidates)
        else:
            if (last - span.start).days < 30:
                return
            joined = span.start + _days(rng.randint(0, (last - span.start).days - 28))
            left = joined + _days(rng.randint(21, (last - joined).days))
            key = rng.choice(self._member_keys(kid, joined))
            agency = self._school_on(kid, joined) if key == "school" else self._agency(kid, key)
            if agency is None:
                return
            member = self._join(kid, span, key, joined, left, agency_id=agency)
            assert member is not None
            inv = member
            inv.end = left
        inv.end_reason = rng.choice(
            (
                "Stopped attending TAC meetings",
                "Service withdrew; caseload pressures",
                "Worker left; no replacement allocated",
            )
        )
        inv.handover = False
        self.truth.disengagements_without_handover.append(inv.id)

    # ------------------------------------------------------------------ duplicates

    def _maybe_duplicate(self, kid: _Kid, members: list[_Member]) -> _Kid | None:
        frng = self._frng
        as_of = self.as_of
        if kid.dob is None:
            return None
        open_caf = kid.open_caf()
        p = 0.13 if open_caf is not None else 0.0072
        if frng.random() >= p:
            return None
        kinds: list[str] = []
        family = kid.family
        given = kid.given
        dob = kid.dob
        options = ["typo_surname", "hyphenated_surname"]
        if given in _NICKNAMES:
            options += ["nickname", "nickname"]
        swapped: date | None = None
        if dob.day <= 12 and dob.day != dob.month:
            swapped = date(dob.year, dob.day, dob.month)
            if swapped <= as_of and _age(swapped, as_of) <= 17:
                options += ["swapped_day_month"]
        errors = frng.sample(options, k=min(len(options), frng.choice((1, 1, 1, 2))))
        for kind in sorted(set(errors), key=DUPLICATE_ERROR_KINDS.index):
            if kind == "typo_surname":
                family = _typo(frng, family)
            elif kind == "hyphenated_surname":
                other = frng.choice(_SURNAMES)
                while other == family:
                    other = frng.choice(_SURNAMES)
                family = f"{family}-{other}"
            elif kind == "nickname" and given is not None:
                given = frng.choice(_NICKNAMES[given])
            elif kind == "swapped_day_month" and swapped is not None:
                dob = swapped
            kinds.append(kind)
        nhs = kid.nhs
        if nhs is not None and frng.random() < 0.7:
            nhs = None
            kinds.append("missing_nhs_number")
        household_id, address, postcode = kid.household_id, kid.address, kid.postcode
        if frng.random() < 0.2:
            household_id, address, postcode = None, self._address(kid.loc), self._postcode(kid.loc)
            kinds.append("different_address")
        dup = _Kid(
            id=self._id("CH"),
            given=given,
            middle=kid.middle if frng.random() < 0.5 else None,
            family=family,
            dob=dob,
            expected=None,
            gender=kid.gender,
            nhs=nhs,
            loc=kid.loc,
            household_id=household_id,
            address=address,
            postcode=postcode,
            school_id=kid.school_id,
            school_stage=kid.school_stage,
            gp_id=kid.gp_id,
            cc_id=kid.cc_id,
            disability=kid.disability,
        )
        own_caf = open_caf is not None
        share = frng.random() < 0.5 or (own_caf and _age(dob, as_of) < 13)
        if share:
            by_id = {m.id: m for m in members}
            for m in members:
                for rel in list(m.relations):
                    if rel.child_id == kid.id and rel.relationship in (
                        Relationship.MOTHER,
                        Relationship.FATHER,
                        Relationship.STEP_PARENT,
                        Relationship.GRANDPARENT,
                        Relationship.KINSHIP_CARER,
                    ):
                        m.relations.append(
                            FamilyRelation(
                                child_id=dup.id,
                                relationship=rel.relationship,
                                parental_responsibility=rel.parental_responsibility,
                                carer=rel.carer,
                            )
                        )
                        if rel.parental_responsibility:
                            dup.pr_ids.append(m.id)
                        if rel.carer:
                            dup.carer_ids.append(m.id)
            assert all(i in by_id for i in dup.pr_ids)
        start = min(_weekday(as_of - _days(frng.randint(20, 150))), as_of - _days(7))
        if own_caf and (dup.pr_ids or _age(dob, start) >= 12):
            assert open_caf is not None
            span = self._caf(dup, start, as_of - _days(1), can_change=False)
            self.truth.duplicate_open_cafs.append((open_caf.id, span.id))
        self.truth.duplicate_pairs.append((kid.id, dup.id, kinds))
        return dup

    # ------------------------------------------------------------------ finishing

    def _finish(self, kid: _Kid) -> None:
        """Turn the open-ended bookkeeping into records: involvements, memberships,
        handovers and notifications."""
        rng = self._rng
        as_of = self.as_of
        for inv in kid.invs:
            kid.recs.append(
                Involvement(
                    id=inv.id,
                    practitioner_id=inv.staff.id,
                    child_id=kid.id,
                    agency_id=inv.agency_id,
                    level=inv.level,
                    started_on=inv.start,
                    ended_on=inv.end,
                    end_reason=inv.end_reason if inv.end else None,
                )
            )
            if inv.caf is not None:
                for role, frm, to in _periods(inv):
                    kid.recs.append(
                        TeamMembership(
                            id=self._id("TM"),
                            practitioner_id=inv.staff.id,
                            caf_id=inv.caf.id,
                            role=role,
                            started_on=frm,
                            ended_on=to,
                        )
                    )
        for staff, plan_id, role, frm, to in kid.plan_teams:
            kid.recs.append(
                TeamMembership(
                    id=self._id("TM"),
                    practitioner_id=staff.id,
                    plan_id=plan_id,
                    role=role,
                    started_on=frm,
                    ended_on=to,
                )
            )
        # rule 3: nobody leaves an open CAF's team without a handover
        for inv in kid.invs:
            if inv.end is None or not inv.handover:
                continue
            span = next((c for c in kid.cafs if c.open_on(inv.end)), None)
            if span is None:
                continue
            was_lead = any(p[1] == inv.end for p in inv.lead)
            successor = span.lead_on(inv.end + _days(1))
            to_practitioner: str | None = None
            to_caf: str | None = None
            kind = HandoverKind.SUMMARY_OF_WORK
            if was_lead and successor is not None and successor.staff is not inv.staff:
                to_practitioner, kind = successor.staff.id, HandoverKind.UPDATED_CAF
            elif span.closed == inv.end:
                to_caf = span.id
            else:
                lead = span.lead_on(inv.end)
                if lead is not None and lead.staff is not inv.staff and rng.random() < 0.5:
                    to_practitioner = lead.staff.id
                else:
                    to_caf = span.id
                if rng.random() < 0.3:
                    kind = HandoverKind.UPDATED_CAF
            kid.recs.append(
                Handover(
                    id=self._id("HO"),
                    child_id=kid.id,
                    involvement_id=inv.id,
                    from_practitioner_id=inv.staff.id,
                    to_practitioner_id=to_practitioner,
                    to_caf_id=to_caf,
                    kind=kind,
                    shared_on=min(max(inv.start, inv.end - _days(rng.randint(0, 3))), as_of),
                    work_done=rng.choice(_HANDOVER_WORK),
                    outcomes=rng.choice(_HANDOVER_OUTCOMES),
                    unmet_needs=rng.choice(_HANDOVER_UNMET),
                )
            )
        # rule 6: everyone is told of a closure or step-down
        for change in kid.changes:
            record = change.record
            on = record.changed_on
            sent = min(on + _days(rng.randint(0, 3)), as_of)
            family = list(dict.fromkeys(kid.pr_ids + kid.carer_ids))
            agencies = [
                inv.agency_id
                for inv in kid.invs
                if inv.start <= on and (inv.end is None or on <= inv.end)
            ]
            agencies = list(dict.fromkeys(agencies + list(record.new_agency_ids)))
            targets: list[dict[str, Any]] = [{"to_family_member_id": f} for f in family]
            if kid.age(on) >= 12:
                targets.append({"to_child": True})
            targets += [{"to_agency_id": a} for a in agencies]
            for target in targets:
                kid.recs.append(
                    Notification(
                        id=self._id("NT"),
                        child_id=kid.id,
                        level_change_id=record.id,
                        sent_on=sent,
                        sent_by_id=change.sent_by,
                        **target,
                    )
                )

    def _register(self, kid: _Kid) -> None:
        """The CAF register's history of each CAF, derived from the records already made
        (no random draws, so nothing else changes)."""
        cafs = {r.id: r for r in kid.recs if isinstance(r, Caf)}
        events: list[tuple[date, int, str, str, CafAction, str | None]] = []
        order = {a: i for i, a in enumerate(CafAction)}

        def add(caf_id: str, on: date, by: str, action: CafAction, ref: str | None) -> None:
            events.append((on, order[action], ref or "", caf_id, action, by))

        for caf in cafs.values():
            add(caf.id, caf.started_on, caf.started_by_id, CafAction.START, None)
        closed: set[str] = set()
        for rec in kid.recs:
            if isinstance(rec, TeamMembership) and rec.caf_id in cafs:
                action = CafAction.SET_LEAD if rec.role is TeamRole.LEAD else CafAction.ADD_MEMBER
                by = rec.practitioner_id if action is CafAction.SET_LEAD else None
                add(
                    rec.caf_id, rec.started_on, by or cafs[rec.caf_id].started_by_id, action, rec.id
                )
            elif isinstance(rec, Review) and rec.caf_id in cafs:
                by = rec.recorded_by_id or cafs[rec.caf_id].started_by_id
                add(rec.caf_id, rec.held_on, by, CafAction.REVIEW, rec.id)
            elif isinstance(rec, LevelChange) and rec.caf_id in cafs:
                action = CafAction(rec.direction.value)
                by = rec.decided_by_id or cafs[rec.caf_id].started_by_id
                add(rec.caf_id, rec.changed_on, by, action, rec.id)
                if action is CafAction.CLOSE:
                    closed.add(rec.caf_id)
        for caf in cafs.values():
            if caf.closed_on is not None and caf.id not in closed:
                add(caf.id, caf.closed_on, caf.started_by_id, CafAction.CLOSE, None)
        for on, _, ref, caf_id, action, by in sorted(events):
            assert by is not None
            kid.recs.append(
                CafEvent(
                    id=self._id("CE"),
                    caf_id=caf_id,
                    by_id=by,
                    changed_on=on,
                    action=action,
                    detail=ref or None,
                )
            )

    # ------------------------------------------------------------------ the stream

    def records(self) -> Iterator[Record]:
        """Every record, referenced records first. Raises RuntimeError if called twice."""
        if self._started:
            raise RuntimeError("a Synthesiser can be iterated only once")
        self._started = True
        counts = {t.label(): 0 for t in RECORD_TYPES}
        for record in self._stream():
            counts[type(record).label()] += 1
            yield record
        self.truth.counts = counts

    def _stream(self) -> Iterator[Record]:
        rng = self._rng
        yield from self._authority()
        for loc in self._localities:
            left = loc.children
            while left > 0:
                r = rng.random()
                count = 1 if r < 0.42 else 2 if r < 0.78 else 3 if r < 0.93 else 4
                count = min(count, left)
                before = self.children_done
                yield from self._household(loc, count)
                left -= self.children_done - before


def _periods(inv: _Inv) -> list[tuple[TeamRole, date, date | None]]:
    """An involvement's time on a TAC, split into member and lead periods."""
    out: list[tuple[TeamRole, date, date | None]] = []
    t: date | None = inv.start
    for frm, to in sorted(inv.lead, key=lambda p: p[0] or inv.start):
        assert frm is not None
        if t is not None and frm > t:
            out.append((TeamRole.MEMBER, t, frm - _days(1)))
        out.append((TeamRole.LEAD, frm, to))
        t = None if to is None else to + _days(1)
    if t is not None and (inv.end is None or t <= inv.end):
        out.append((TeamRole.MEMBER, t, inv.end))
    return out


def _typo(rng: Random, name: str) -> str:
    """One edit (substitution, deletion, insertion or swap of neighbours) after the first
    letter."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(20):
        i = rng.randint(1, len(name) - 1)
        op = rng.choice(("sub", "del", "ins", "swap"))
        if op == "sub":
            out = name[:i] + rng.choice(letters) + name[i + 1 :]
        elif op == "del" and len(name) > 3:
            out = name[:i] + name[i + 1 :]
        elif op == "ins":
            out = name[:i] + rng.choice(letters) + name[i:]
        elif op == "swap" and i < len(name) - 1:
            out = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        else:
            continue
        if out != name and out[i - 1 : i + 1] != "''":
            return out
    return name + "e"


def generate(
    children: int, seed: int, *, as_of: date = DEFAULT_AS_OF, faults: bool = True
) -> Iterator[Record]:
    """The records of a synthetic authority (see :class:`Synthesiser`, which also gives
    the :class:`Truth`). Raises ValueError for a negative number of children."""
    return Synthesiser(children, seed, as_of=as_of, faults=faults).records()


def record_line(record: Record) -> str:
    """One JSON Lines line (without the newline) for ``record``."""
    return json.dumps(
        {"type": type(record).label(), "record": dump_record(record)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def write_jsonl(
    records: Iterable[Record], out: Path, *, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write ``records`` to ``out`` as UTF-8 JSON Lines, one
    ``{"type": label, "record": ...}`` object per line, and return the count per label.

    The file appears only once complete (written beside it, then renamed).
    ``progress`` is called with the number of records written so far, every 10,000
    records and at the end. Raises OSError if the file cannot be written.
    """
    counts = {t.label(): 0 for t in RECORD_TYPES}
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    written = 0
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            batch: list[str] = []
            for record in records:
                batch.append(record_line(record))
                counts[type(record).label()] += 1
                written += 1
                if len(batch) >= 10_000:
                    batch.append("")
                    handle.write("\n".join(batch))
                    batch = []
                    if progress is not None:
                        progress(written)
            if batch:
                batch.append("")
                handle.write("\n".join(batch))
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(written)
    return counts
