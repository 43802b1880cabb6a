// init_node_table (embedded only): the node table of one label.
// template: label, columns (both from the fixed graph schema)
// params: none
// returns: nothing
CREATE NODE TABLE IF NOT EXISTS {{label}}({{columns}}, PRIMARY KEY (id))
