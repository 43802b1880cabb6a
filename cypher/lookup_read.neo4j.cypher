// lookup_read (Neo4j): everything one who-else lookup or case list reads, in one
// statement and so one round trip (each statement of a read transaction cost one, and
// its BEGIN and COMMIT one each: seven a past date's lookup took with the append, now
// two): the requester as lookup_requester reads them, the household shields as
// gate_shielded_households reads them, and the cases as case_read reads them, on each
// date of $days (the first with handovers where $history; a second, the real date,
// where the lookup asks as of another). One row, of three lists: requester and shields
// hold maps shaped as those queries' rows, cases a map per child and date shaped as
// case_read's row with ``day``, the date's place in $days (from 0).
// LadybugDB has no COLLECT subquery and reads the same through child_* chains;
// tests/test_lookup_read.py checks that both give the same requester, shields and cases.
// params: requester_id (string), child_ids (list of string), days (list of date), history (boolean)
// returns: requester, shields, cases
RETURN
  COLLECT {
    MATCH (p:Practitioner {id: $requester_id})-[:WORKS_FOR]->(a:Agency)
    RETURN {id: p.id, given_name: p.given_name, family_name: p.family_name,
            role: p.role, lookup_authorised: p.lookup_authorised,
            left_agency_on: p.left_agency_on, email: p.email, phone: p.phone,
            agency_id: a.id, agency_name: a.name, agency_kind: a.kind,
            agency_sensitive: a.sensitive}
  } AS requester,
  COLLECT {
    MATCH (c:Child)-[:LIVES_IN]->(h:Household)
    WHERE c.id IN $child_ids
    MATCH (h)<-[:LIVES_IN]-(o:Child)
    WHERE o.shielded = true
    OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
    RETURN {child_id: c.id, family_member_id: '', other_id: o.id, shield_practitioner_id: p.id} AS row
    UNION ALL
    MATCH (c:Child)<-[:FAMILY_OF]-(f:FamilyMember)-[:LIVES_IN]->(h:Household)<-[:LIVES_IN]-(o:Child)
    WHERE c.id IN $child_ids AND o.shielded = true
    OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
    RETURN {child_id: c.id, family_member_id: f.id, other_id: o.id, shield_practitioner_id: p.id} AS row
  } AS shields,
  COLLECT {
    UNWIND range(0, size($days) - 1) AS n
    UNWIND $child_ids AS wanted
    MATCH (c:Child {id: wanted})
    WITH c, n, $days[n] AS day, $history AND n = 0 AS history
    RETURN {
    day: n,
    id: c.id,
    given_name: c.given_name,
    preferred_name: c.preferred_name,
    family_name: c.family_name,
    date_of_birth: c.date_of_birth,
    expected_date: c.expected_date,
    gender: c.gender,
    shielded: c.shielded,
    address_line: c.address_line,
    postcode: c.postcode,
    shield: COLLECT { MATCH (c)-[:SHIELD_NAMES]->(p:Practitioner) WHERE c.shielded RETURN p.id
    },
    involvements: COLLECT {
      MATCH (c)<-[:INVOLVED_WITH]-(i:Involvement)-[:INVOLVEMENT_OF]->(p:Practitioner)
      WHERE i.started_on <= day
      MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
      RETURN {involvement_id: i.id, level: i.level, started_on: i.started_on,
      ended_on: i.ended_on, practitioner_id: p.id, given_name: p.given_name,
      family_name: p.family_name, role: p.role, email: p.email, phone: p.phone,
      agency_id: a.id, agency_name: a.name, sensitive: a.sensitive,
      broker_contact: a.broker_contact}
    },
    handovers: COLLECT {
      MATCH (c)<-[:HANDOVER_ABOUT]-(h:Handover)-[:HANDED_OVER_BY]->(p:Practitioner)
      WHERE history AND h.shared_on <= day
      OPTIONAL MATCH (h)-[:HANDS_OVER]->(i:Involvement)
      RETURN {handover_id: h.id, kind: h.kind, shared_on: h.shared_on,
      from_practitioner_id: p.id, involvement_id: i.id}
    },
    cafs: COLLECT {
      MATCH (c)<-[:ASSESSES]-(caf:Caf)
      WHERE caf.started_on <= day AND (caf.closed_on IS NULL OR caf.closed_on > day)
      RETURN {caf_id: caf.id, caf_state: caf.state, caf_level: caf.level,
      caf_started_on: caf.started_on}
    },
    teams: COLLECT {
      MATCH (c)<-[:ASSESSES]-(caf:Caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)
      WHERE caf.started_on <= day AND (caf.closed_on IS NULL OR caf.closed_on > day)
      AND m.started_on <= day AND (m.ended_on IS NULL OR m.ended_on > day)
      MATCH (m)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
      RETURN {caf_id: caf.id, membership_id: m.id, team_role: m.role, since: m.started_on,
      practitioner_id: p.id, given_name: p.given_name, family_name: p.family_name,
      role: p.role, email: p.email, phone: p.phone, agency_id: a.id,
      agency_name: a.name, sensitive: a.sensitive, broker_contact: a.broker_contact}
    },
    consents: COLLECT {
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
    },
    bases: COLLECT {
      MATCH (c)<-[:BASIS_ABOUT]-(b:StatutoryBasis)
      OPTIONAL MATCH (b)-[:RECORDED_BY]->(rb:Practitioner)
      OPTIONAL MATCH (b)-[:PERMITS]->(tp:Practitioner)
      OPTIONAL MATCH (b)-[:PERMITS]->(ta:Agency)
      RETURN {basis_id: b.id, ground: b.ground, recorded_on: b.recorded_on,
      reason: b.reason, scopes: b.scopes, valid_until: b.valid_until,
      recorded_by_id: rb.id, to_practitioner_id: tp.id, to_agency_id: ta.id}
    },
    family: COLLECT {
      MATCH (c)<-[fr:FAMILY_OF]-(f:FamilyMember)
      OPTIONAL MATCH (f)-[:LIVES_IN]->(h:Household)
      RETURN {family_member_id: f.id, given_name: f.given_name,
      family_name: f.family_name, phone: f.phone, relationship: fr.relationship,
      parental_responsibility: fr.parental_responsibility, carer: fr.carer,
      address_line: h.address_line, postcode: h.postcode}
    }
  }
  } AS cases
