"""Trigger ballots: the bodies list, affiliates' signed votes and the declaration."""
