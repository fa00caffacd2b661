"""The service layer, grouped by the part of the product each module serves.

- `membership`: organisations, members, eligibility rules, roll imports and frozen rolls;
- `elections`: defining a ballot, casting, the register, paper votes, tally, results,
  publication and appeals (the voter's path is `elections.casting`);
- `trigger`: trigger ballots' bodies, affiliates' votes and the declaration;
- `roles`: role cards and key files, the key ceremony, the credential authority.

Shared by all: `errors`, `ports` (clock, mail, audit, the unit of work), `audit`, and
`authorisation` (who may do what, in one place). Uses protocol and below; reaches storage, mail
and the clock only through ports (shared/DESIGN.md).
"""

__all__: list[str] = []
