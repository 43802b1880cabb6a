// init_rel_table (embedded only): the relationship table of one type, with every pair.
// template: rel_type, pairs, columns (from the fixed graph schema)
// params: none
// returns: nothing
CREATE REL TABLE IF NOT EXISTS {{rel_type}}({{pairs}}{{columns}})
