"""Layer `counting`: ballots plus a named rule set give a Result with every stage (pure, no I/O)."""
