"""Population audits of practice: the rules of ``docs/domain.md`` (3 to 7) checked over
every child in a store.

Each check runs named queries (``cypher/practice_*.cypher``) that fetch candidate rows
with their dates, and finishes the date arithmetic here (calendar months, working days),
so the Cypher is the same on both engines. Time limits and thresholds come from
:class:`AuditSettings`.

One run reads each query once and every check shares the rows. Reading is most of the
time, above all on Neo4j (the driver decodes every value), so the queries return only
rows and columns some check can use: the teams and their memberships apart, the
agency and qualification of current leads only, open universal involvements only for
children with a CAF, a plan or a level change.
"""

from tacgraph.practice.findings import AuditSettings, Edge, Finding, PracticeReport
from tacgraph.practice.run import CHECKS, Check, audit_practice

__all__ = [
    "CHECKS",
    "AuditSettings",
    "Check",
    "Edge",
    "Finding",
    "PracticeReport",
    "audit_practice",
]
