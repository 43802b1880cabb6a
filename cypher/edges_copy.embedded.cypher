// edges_copy (embedded only): bulk-load new edges of one (source, type, target) triple.
// template: source, rel_type, target
// params: rows (Arrow table: from, to, then the edge properties)
// returns: nothing
COPY {{rel_type}} FROM $rows (from='{{source}}', to='{{target}}')
