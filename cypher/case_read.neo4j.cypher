// case_read (Neo4j): everything the who-else lookup decides on, for each known child of
// a list, in one statement: the child's own fields and one list per section, each item
// shaped as the case_* query of that section returns its rows (without child_id).
// One statement, not nine: on Neo4j each statement costs a round trip (about 1 ms), and
// COLLECT subqueries read each section from the child without multiplying rows.
// LadybugDB has no COLLECT subquery, and reads through child_* and case_* instead;
// tests/test_cases.py checks that all three give the same cases.
// Handovers are read only with $history (the lookup shows them only with ended work),
// a shield's names only for a shielded child (they matter to no one else).
// params: child_ids (list of string), as_of (date), history (boolean)
// returns: id, given_name, preferred_name, family_name, date_of_birth, expected_date, gender, shielded, address_line, postcode, shield, involvements, handovers, cafs, teams, consents, bases, family
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
RETURN c.id AS id, c.given_name AS given_name, c.preferred_name AS preferred_name,
       c.family_name AS family_name, c.date_of_birth AS date_of_birth,
       c.expected_date AS expected_date, c.gender AS gender, c.shielded AS shielded,
       c.address_line AS address_line, c.postcode AS postcode,
       COLLECT { MATCH (c)-[:SHIELD_NAMES]->(p:Practitioner) WHERE c.shielded RETURN p.id } AS shield,
       COLLECT {
         MATCH (c)<-[:INVOLVED_WITH]-(i:Involvement)-[:INVOLVEMENT_OF]->(p:Practitioner)
         WHERE i.started_on <= $as_of
         MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
         RETURN {involvement_id: i.id, level: i.level, started_on: i.started_on,
                 ended_on: i.ended_on, practitioner_id: p.id, given_name: p.given_name,
                 family_name: p.family_name, role: p.role, email: p.email, phone: p.phone,
                 agency_id: a.id, agency_name: a.name, sensitive: a.sensitive,
                 broker_contact: a.broker_contact}
       } AS involvements,
       COLLECT {
         MATCH (c)<-[:HANDOVER_ABOUT]-(h:Handover)-[:HANDED_OVER_BY]->(p:Practitioner)
         WHERE $history AND h.shared_on <= $as_of
         OPTIONAL MATCH (h)-[:HANDS_OVER]->(i:Involvement)
         RETURN {handover_id: h.id, kind: h.kind, shared_on: h.shared_on,
                 from_practitioner_id: p.id, involvement_id: i.id}
       } AS handovers,
       COLLECT {
         MATCH (c)<-[:ASSESSES]-(caf:Caf)
         WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
         RETURN {caf_id: caf.id, caf_state: caf.state, caf_level: caf.level,
                 caf_started_on: caf.started_on}
       } AS cafs,
       COLLECT {
         MATCH (c)<-[:ASSESSES]-(caf:Caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)
         WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
           AND m.started_on <= $as_of AND (m.ended_on IS NULL OR m.ended_on > $as_of)
         MATCH (m)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
         RETURN {caf_id: caf.id, membership_id: m.id, team_role: m.role, since: m.started_on,
                 practitioner_id: p.id, given_name: p.given_name, family_name: p.family_name,
                 role: p.role, email: p.email, phone: p.phone, agency_id: a.id,
                 agency_name: a.name, sensitive: a.sensitive, broker_contact: a.broker_contact}
       } AS teams,
       COLLECT {
         MATCH (c)<-[:CONSENT_ABOUT]-(k:Consent)
         OPTIONAL MATCH (k)-[:GIVEN_BY]->(f:FamilyMember)
         OPTIONAL MATCH (k)-[:CONSENTS_TO]->(tp:Practitioner)
         OPTIONAL MATCH (k)-[:CONSENTS_TO]->(ta:Agency)
         OPTIONAL MATCH (k)-[:CONSENTS_TO]->(tc:Caf)
         RETURN {consent_id: k.id, decision: k.decision, kind: k.kind,
                 given_by_child: k.given_by_child, child_competent: k.child_competent,
                 scopes: k.scopes, services: k.services, given_on: k.given_on,
                 expires_on: k.expires_on,
                 withdrawn_on: k.withdrawn_on, giver_id: f.id, to_practitioner_id: tp.id,
                 to_agency_id: ta.id, to_caf_id: tc.id}
       } AS consents,
       COLLECT {
         MATCH (c)<-[:BASIS_ABOUT]-(b:StatutoryBasis)
         OPTIONAL MATCH (b)-[:RECORDED_BY]->(rb:Practitioner)
         OPTIONAL MATCH (b)-[:PERMITS]->(tp:Practitioner)
         OPTIONAL MATCH (b)-[:PERMITS]->(ta:Agency)
         RETURN {basis_id: b.id, ground: b.ground, recorded_on: b.recorded_on,
                 reason: b.reason, scopes: b.scopes, valid_until: b.valid_until,
                 recorded_by_id: rb.id, to_practitioner_id: tp.id, to_agency_id: ta.id}
       } AS bases,
       COLLECT {
         MATCH (c)<-[fr:FAMILY_OF]-(f:FamilyMember)
         OPTIONAL MATCH (f)-[:LIVES_IN]->(h:Household)
         RETURN {family_member_id: f.id, given_name: f.given_name,
                 family_name: f.family_name, phone: f.phone, relationship: fr.relationship,
                 parental_responsibility: fr.parental_responsibility, carer: fr.carer,
                 address_line: h.address_line, postcode: h.postcode}
       } AS family
