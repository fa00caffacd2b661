"""Membership and rolls: organisations, members, eligibility rules, roll imports and snapshots."""
