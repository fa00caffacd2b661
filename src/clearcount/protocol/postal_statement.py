"""The statutory statement on an industrial action voting paper, by the ballot's date (s.229(4)).

TULRCA 1992 s.229(4) prescribes the words on breach of contract and unfair dismissal; the
Employment Rights Act 2025 removed the 12-week protected period (domain.md §2.1), so the wording
depends on when the ballot opens: a dated rule, never a constant (as the thresholds in
`counting.yes_no_profiles`).
"""

from __future__ import annotations

from datetime import date

from clearcount.counting.yes_no_profiles import ERA_2025_REFORM

__all__ = ["STATEMENT_BEFORE_ERA_2025", "STATEMENT_FROM_ERA_2025", "statutory_statement"]

STATEMENT_BEFORE_ERA_2025 = (
    "If you take part in a strike or other industrial action, you may be in breach of your "
    "contract of employment. However, if you are dismissed for taking part in a strike or other "
    "industrial action which is called officially and is otherwise lawful, the dismissal will "
    "be unfair if it takes place fewer than twelve weeks after you started to take part in the "
    "action, and depending on the circumstances may be unfair if it takes place later."
)
"""TULRCA 1992 s.229(4) as amended by the Employment Relations Act 2004 (the 12-week period)."""
STATEMENT_FROM_ERA_2025 = (
    "If you take part in a strike or other industrial action, you may be in breach of your "
    "contract of employment. However, if you are dismissed for taking part in a strike or other "
    "industrial action which is called officially and is otherwise lawful, the dismissal will "
    "be unfair."
)
"""s.229(4) once the ERA 2025 removed the 12-week limit (domain.md §2.1) [verify the wording
against the commenced text]."""


def statutory_statement(opened: date) -> str:
    """The s.229(4) statement for a ballot opening on `opened` (a dated rule, never a constant:
    the ERA 2025's first union measures apply from `ERA_2025_REFORM`) [verify the date of the
    12-week change]."""
    return STATEMENT_BEFORE_ERA_2025 if opened < ERA_2025_REFORM else STATEMENT_FROM_ERA_2025
