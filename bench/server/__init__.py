"""Load benchmarks of `clearcount serve`: a prepared election, pre-made ballots, a voter client.

See bench/server/README.md for the interface (`election`, `ballots`, `client`, `load`).
"""
