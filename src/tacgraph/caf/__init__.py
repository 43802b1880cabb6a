"""The CAF register: the check before starting a CAF, and each change to one after.

A practitioner starting a CAF must first confirm none exists for the child; if one does,
they contact its Lead Professional and ask to join that team, with consent (000 4.1;
001). :func:`check` answers that enquiry, which is always answerable to an authorised
practitioner (DOMAIN rule 1), and says no more than an enquiry may: whether a CAF is
open (on this record or on a probable duplicate record of the child), its id, state and
start date, and whom to contact. It never gives the child's details, and, as every
lookup, it is written to the access log (``tacgraph.audit``) before it is answered. A
lead working for a sensitive service is not named: the service's broker is given
instead. Where the child's whereabouts are shielded from the requester, a lead at a
school or GP practice is named with a phone number only, since the agency would locate
the child.

The lifecycle (:func:`start`, :func:`add_member`, :func:`set_lead`, :func:`review`,
:func:`step_up`, :func:`step_down`, :func:`close`) checks everything first and then
writes the new and changed records in one import (``tacgraph.importer.import_records``),
with a :class:`~tacgraph.model.CafEvent` naming who made the change and when. A refused
change raises :class:`CafRefused`, naming the CAF and the reason, and writes nothing.
Starting a CAF and adding a member need a consent to share CAF content with them, decided
by :func:`tacgraph.consent.decide` exactly as the lookup decides it. Each change takes
the keywords ``clock`` and ``channel`` for its access-log entry
(:class:`~tacgraph.caf.changes.Via`); a step up or down takes ``to_level`` too.

Who may change a CAF: a practitioner authorised to use the directory
(:func:`tacgraph.access.authorise`) who is a current member of its Team Around the Child,
or a CAF co-ordinator. Dates are inclusive at the start and exclusive at the end: a
membership ended on a date no longer counts on that date, as a CAF closed on it does not.
"""

from tacgraph.caf.enquiry import CHECK_PURPOSE, check
from tacgraph.caf.lifecycle import LEVELS, add_member, close, review, set_lead, step_down, step_up
from tacgraph.caf.results import CafChange, CafCheck, Contact, DuplicateRecord, OpenCaf
from tacgraph.caf.starting import start
from tacgraph.errors import CafRefused

__all__ = [
    "CHECK_PURPOSE",
    "LEVELS",
    "CafChange",
    "CafCheck",
    "CafRefused",
    "Contact",
    "DuplicateRecord",
    "OpenCaf",
    "add_member",
    "check",
    "close",
    "review",
    "set_lead",
    "start",
    "step_down",
    "step_up",
]
