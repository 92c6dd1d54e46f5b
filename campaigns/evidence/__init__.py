"""The contact log as evidence: hash chains over the mission's immutable events.

Each call attempt and audit entry is linked, as it is written, at the end of its debtor's chain (or its
campaign's, or the global one): ``chain`` appends, ``events`` says what is digested, ``verification`` recomputes
the chains and says where one breaks, ``erasure`` blanks personal fields at the purge while keeping every
digest. PostgreSQL refuses any other UPDATE or DELETE of these rows (``models.evidence``).
"""
from .erasure import blank_personal_fields
from .verification import Break, Verification, campaign_head, debtor_head, verify

__all__ = ["Break", "Verification", "blank_personal_fields", "campaign_head", "debtor_head", "verify"]
