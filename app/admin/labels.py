"""The audit log's actions in words (the code stays beside it, for the filter)."""
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "call.recorded": _l("Call recorded"), "campaign.agents": _l("Negotiators assigned"),
    "campaign.create": _l("Campaign created"), "campaign.start": _l("Campaign started"),
    "campaign.pause": _l("Campaign paused"), "campaign.close": _l("Campaign closed"),
    "campaign.reopen": _l("Campaign reopened"), "client.settings": _l("Client company settings changed"),
    "campaign.queue_settings": _l("Queue settings changed"),
    "campaign.purge_personal_data": _l("Personal data purged"), "client.create": _l("Client company created"),
    "console.take_over": _l("Debtor taken over by a manager"), "debtor.phone_added": _l("Phone number added"),
    "dispute.resolve": _l("Dispute resolved"), "import.upload": _l("File uploaded"),
    "import.confirm": _l("File load confirmed"), "import.apply": _l("File loaded"),
    "import.retry": _l("File processing run again"), "motive.create": _l("Non-payment motive recorded"),
    "promise.create": _l("Promise made"), "promise.kept": _l("Promise kept"),
    "promise.partially_kept": _l("Promise partly kept"), "promise.broken": _l("Promise broken"),
    "promise.instalment_kept": _l("Plan instalment kept"), "recap.final": _l("Final recap produced"),
    "user.create": _l("Account created"), "user.enable": _l("Account enabled"),
    "user.disable": _l("Account disabled"), "user.set_password": _l("Password changed"),
    "promise.penalties_waived": _l("Late-payment penalties waived (promise kept)"),
    "promise.penalties_revived": _l("Late-payment penalties claimable again (promise broken)"),
    "notice.approved": _l("Formal notice approved by the client"),
    "notice.declined": _l("Formal notice declined by the client"),
    "campaign.escalation_rules": _l("Formal-notice rules changed"), "rate.added": _l("Interest rate recorded"),
    "pause_reason.add": _l("Pause reason added"), "pause_reason.rename": _l("Pause reason renamed"),
    "pause_reason.retired": _l("Pause reason no longer offered"),
    "pause_reason.offered": _l("Pause reason offered again"), "pause_reason.moved": _l("Pause reasons reordered"),
}
