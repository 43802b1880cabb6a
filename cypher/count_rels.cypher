// count_rels: how many relationships of one type join one (source, target) pair.
// template: source, rel_type, target
// params: none
// returns: count
MATCH (:{{source}})-[r:{{rel_type}}]->(:{{target}})
RETURN count(r) AS count
