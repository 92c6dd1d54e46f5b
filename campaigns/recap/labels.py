"""French labels of the workbook's statuses and results (the recap is a French document)."""
from ..models import (ContactResult, InvoiceStatus, MessageStatus, MotiveStatus, PaymentMethod, PromiseStatus,
                      QueueState)

PROMISE = {
    PromiseStatus.PENDING: "en attente", PromiseStatus.KEPT: "tenue",
    PromiseStatus.PARTIALLY_KEPT: "partiellement tenue", PromiseStatus.BROKEN: "non tenue",
    PromiseStatus.CANCELLED: "annulée",
}
METHOD = {
    PaymentMethod.TRANSFER: "virement", PaymentMethod.CHEQUE: "chèque", PaymentMethod.CARD: "carte bancaire",
    PaymentMethod.DIRECT_DEBIT: "prélèvement", PaymentMethod.LCR: "LCR", PaymentMethod.CASH: "espèces",
}
RESULT = {
    ContactResult.NO_ANSWER: "pas de réponse", ContactResult.BUSY: "occupé", ContactResult.VOICEMAIL: "messagerie",
    ContactResult.SWITCHBOARD: "standard", ContactResult.WRONG_NUMBER: "faux numéro",
    ContactResult.WRONG_PARTY: "mauvais interlocuteur", ContactResult.RIGHT_PARTY: "interlocuteur joint",
    ContactResult.REFUSAL: "refus",
}
INVOICE = {
    InvoiceStatus.OPEN: "ouverte", InvoiceStatus.PROMISED: "promesse", InvoiceStatus.DISPUTED: "en litige",
    InvoiceStatus.PAID: "payée", InvoiceStatus.CANCELLED: "annulée",
}
# What a call produced beyond its result (``CallAttempt.outcome``, ``DebtorAccount.last_result``).
OUTCOME = {"promise": "promesse", "plan": "échéancier", "already_paid": "déjà payé", "motive": "motif",
           "callback": "rappel"}
MOTIVE = {MotiveStatus.OPEN: "ouvert", MotiveStatus.RESOLVED: "résolu", MotiveStatus.CANCELLED: "annulé"}
QUEUE = {
    QueueState.READY: "à appeler", QueueState.CALLBACK: "rappel prévu", QueueState.PROMISED: "promesse",
    QueueState.DISPUTED: "litige", QueueState.WRONG_NUMBER: "faux numéro", QueueState.UNREACHABLE: "injoignable",
    QueueState.REFUSED: "refus", QueueState.PAID: "payé", QueueState.DO_NOT_CALL: "ne pas appeler",
    QueueState.NOTICE_SENT: "mise en demeure envoyée", QueueState.HELD: "suspendu par le client",
}


def label(table: dict, value) -> str | None:
    """The French label of an enum value (given as member or raw string)."""
    if value is None:
        return None
    for key, text in table.items():
        if key == value or key.value == value:
            return text
    return str(value)

# Formal notices (campaigns.notices): who signed, how it was sent.
NOTICE_SENDER = {"creditor": "le créancier", "provider": "le prestataire, pour le compte du créancier"}
NOTICE_CHANNEL = {"lrar": "lettre recommandée AR", "ere": "lettre recommandée électronique", "email": "courriel"}

# E-mails to debtors (campaigns.mail): what each was, where it stands.
MESSAGE_KIND = {"promise_confirmation": "confirmation d'engagement", "reminder": "rappel la veille de l'échéance",
                "thanks": "remerciement pour le règlement"}
MESSAGE_STATUS = {MessageStatus.QUEUED: "en attente d'envoi", MessageStatus.SENT: "envoyé",
                  MessageStatus.FAILED: "non remis", MessageStatus.CANCELLED: "non envoyé (plus nécessaire)"}
