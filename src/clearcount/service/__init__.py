"""The service layer: organisations, member rolls, eligibility, frozen rolls and the audit log.

Uses protocol and below; reaches storage, mail and the clock only through `service.ports`
(shared/DESIGN.md). Import the modules directly: `clearcount.service.members`, and so on.
"""

__all__: list[str] = []
