"""All models, importable from one place: ``from campaigns.models import Campaign``."""
from .answers import DisputeAttachment, InvoiceCorrection
from .audit import AuditEntry
from .base import Base, UTCDateTime, utcnow
from .calls import (
    CallAttempt, Callback, CallbackStatus, ContactResult, Instalment, InvoiceMotive,
    MotiveStatus, NoticeDecision, PaymentMethod, Promise, PromiseStatus, promise_invoices,
)
from .campaign import CallScript, Campaign, CampaignStatus, FinalRecap, campaign_agents, default_calling_hours
from .clients import ClientCompany, Motive
from .debtors import DebtorAccount, Phone, PhoneStatus, QueueState
from .evidence import ChainLink
from .imports import (ImportBatch, ImportKind, ImportRejection, ImportStatus, InvoiceChange, InvoiceChangeKind,
                      UpdateLine, UpdateLineKind)
from .invoices import Invoice, InvoiceStatus
from .messages import MessageStatus, OutboundMessage
from .notices import FormalNotice
from .rates import LegalRate
from .shifts import AgentMessage, AgentStateChange, PauseReason
from .users import LoginAttempt, Role, User

__all__ = [name for name in dir() if not name.startswith("_")]
