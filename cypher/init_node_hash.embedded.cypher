// init_node_hash (embedded only): the content_hash column of one label's node table,
// added to a store made before imports kept a hash with each node.
// template: label
// params: none
// returns: nothing
ALTER TABLE {{label}} ADD IF NOT EXISTS content_hash STRING
