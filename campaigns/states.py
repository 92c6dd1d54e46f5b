"""Every queue state a debtor can be in, and how it counts in the figures: one table, used everywhere.

- callable: the queue may hand the debtor to an agent once its time has come (``next_action_at``); "to call
  now" is the queue's own eligibility test (``queue.callable_now``), never a list of states elsewhere.
- remaining: still to work; its outstanding makes "Reste à appeler" (never above the amount placed).
- waiting: out of the queue until someone else acts (the client, the manager) or a date passes.
- closed: worked to an end; no agent is handed it again.
"Worked" and "reached" are read from the calls (a call attempt; a completed call), whatever the state.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import N_
from .models import QueueState


@dataclass(frozen=True)
class StateRule:
    callable: bool
    remaining: bool
    waiting: bool
    closed: bool
    label: str        # English message id, translated where it is shown


S = QueueState
RULES: dict[QueueState, StateRule] = {
    S.READY: StateRule(True, True, False, False, N_("To call")),
    S.CALLBACK: StateRule(True, True, False, False, N_("Callback planned")),
    S.PROMISED: StateRule(True, False, True, False, N_("Promise pending")),
    S.DISPUTED: StateRule(False, False, True, False, N_("Dispute with the client")),
    S.WRONG_NUMBER: StateRule(False, False, True, False, N_("Number to find")),
    S.UNREACHABLE: StateRule(False, False, False, True, N_("Unreachable")),
    S.REFUSED: StateRule(False, False, False, True, N_("Refused to pay")),
    S.PAID: StateRule(False, False, False, True, N_("Paid")),
    S.DO_NOT_CALL: StateRule(False, False, False, True, N_("Not to be called")),
    S.NOTICE_SENT: StateRule(False, False, False, True, N_("Formal notice sent")),
    S.HELD: StateRule(False, False, True, False, N_("On hold by the client")),
}
assert set(RULES) == set(QueueState), "every queue state says how it counts"

CALLABLE = tuple(s for s, r in RULES.items() if r.callable)
REMAINING = tuple(s for s, r in RULES.items() if r.remaining)
CLOSED = tuple(s for s, r in RULES.items() if r.closed)


def label(state: QueueState | str) -> str:
    """The state's English message id (translate it where it is shown)."""
    return RULES[QueueState(state)].label
