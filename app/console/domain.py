"""The domain modules the console drives (campaigns.queue, campaigns.outcomes).

Imported here once so that the console can be installed before they land without breaking
the rest of the application: until then every console action answers 503.
"""
from __future__ import annotations

try:
    from campaigns import outcomes, queue
except ImportError:  # pragma: no cover - only while the queue issue is being built
    outcomes = queue = None
