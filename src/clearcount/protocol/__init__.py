"""Layer `protocol`: the election's phases as pure functions (spec §11).

Each phase takes the record so far (a sequence of `record.chain.Event`) and, for a role, that
role's own secrets as frozen values, and returns new event bodies or events; nothing is stored
or sent here. Modules, in protocol order: `setup`, `ceremony`, `credentials`, `casting`,
`board`, `challenge`, `paper`, `tally`, `mixing`, `decryption`, `declare`; `simulate` runs a
whole fictional election. Imports only `record` and the layers below it.
"""
