// summary_cafs_by_state: CAFs on the register by state.
// params: none
// returns: state, cafs
MATCH (caf:Caf)
RETURN caf.state AS state, count(caf) AS cafs
ORDER BY state
