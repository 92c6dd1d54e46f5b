"""The contact log's hash chains: one link per immutable event, in the order it was appended."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class ChainLink(Base):
    """One event of a chain: its digest and the hash that ties it to the link before it.

    A chain is a debtor's (``campaign:12/debtor:345``: its calls and every audit entry about it), a
    campaign's own events (``campaign:12``: imports, settings) or the events of no campaign (``global``).
    ``hash`` = sha256 of the previous link's hash, this link's place, the event's kind, id, time and digest;
    so an event edited, deleted, added or moved breaks the chain from there on (``campaigns.evidence``).
    Never updated nor deleted (PostgreSQL triggers refuse it).
    """

    __tablename__ = "event_chain"
    __table_args__ = (
        sa.UniqueConstraint("chain", "seq"),
        sa.UniqueConstraint("kind", "event_id"),
        sa.Index("ix_event_chain_campaign_debtor", "campaign_id", "debtor_id"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    chain: Mapped[str] = mapped_column(sa.String(48))
    seq: Mapped[int] = mapped_column()
    campaign_id: Mapped[int | None] = mapped_column()      # no foreign key: the proof outlives what it names
    debtor_id: Mapped[int | None] = mapped_column()
    kind: Mapped[str] = mapped_column(sa.String(16))       # "call", "audit"
    event_id: Mapped[int] = mapped_column(sa.BigInteger)
    event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    chained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Per field (personal fields aside): the first 16 hex digits of its sha256, so a check names what changed
    # and still reads the rest once the personal fields are blanked.
    fields: Mapped[dict] = mapped_column(sa.JSON)
    personal_digest: Mapped[str] = mapped_column(sa.String(64))   # sha256 of the personal fields together
    digest: Mapped[str] = mapped_column(sa.String(64))            # sha256 of ``fields`` and ``personal_digest``
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


# PostgreSQL links events in one round trip, and refuses any UPDATE or DELETE of a chained event or of a link, whoever sends it. The one
# exception is the personal-data purge (``campaigns.evidence.blank_personal_fields``): inside it (the
# transaction-local setting ``relance.purging``), an UPDATE may only blank an event's personal fields and
# stamp ``purged_at``; every other column, and the link's digest, stay as they were.
PERSONAL_DETAIL_KEYS = ("comment", "note", "notes", "resolution", "phone", "phones", "email", "emails",
                        "address", "contact_names", "company_name")

EVIDENCE_DDL = [
    """
CREATE OR REPLACE FUNCTION relance_refuse_rewriting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: rows cannot be %d', TG_TABLE_NAME, lower(TG_OP)
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'The personal-data purge goes through campaigns.evidence.blank_personal_fields.';
END $$""",
    """
CREATE OR REPLACE FUNCTION relance_call_attempts_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('relance.purging', true) IS DISTINCT FROM 'on'
     OR NEW.purged_at IS NULL OR NEW.phone_dialled IS NOT NULL OR NEW.notes IS NOT NULL
     OR (to_jsonb(NEW) - 'phone_dialled' - 'notes' - 'purged_at')
        IS DISTINCT FROM (to_jsonb(OLD) - 'phone_dialled' - 'notes' - 'purged_at') THEN
    RAISE EXCEPTION 'call_attempts is append-only: rows cannot be updated'
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'The personal-data purge goes through campaigns.evidence.blank_personal_fields.';
  END IF;
  RETURN NEW;
END $$""",
    """
CREATE OR REPLACE FUNCTION relance_audit_log_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('relance.purging', true) IS DISTINCT FROM 'on' OR NEW.purged_at IS NULL
     OR (to_jsonb(NEW) - 'details' - 'purged_at') IS DISTINCT FROM (to_jsonb(OLD) - 'details' - 'purged_at')
     OR COALESCE(NEW.details::jsonb, '{}'::jsonb)
        IS DISTINCT FROM (COALESCE(OLD.details::jsonb, '{}'::jsonb) - CAST(TG_ARGV AS text[])) THEN
    RAISE EXCEPTION 'audit_log is append-only: rows cannot be updated'
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'The personal-data purge goes through campaigns.evidence.blank_personal_fields.';
  END IF;
  RETURN NEW;
END $$""",
    # Link events at the end of their chains (``campaigns.evidence.chain``): lock each chain (a debtor's by
    # its row, a campaign's by its row, the global one by an advisory lock), read its end in a statement
    # of its own (so that it sees what the previous holder committed) and insert the links, each hash
    # computed as ``campaigns.evidence.events.link_hash`` does. The events come grouped by chain, in order.
    """
CREATE OR REPLACE FUNCTION relance_append_links(
    p_chain text[], p_campaign integer[], p_debtor integer[], p_kind text[], p_event bigint[],
    p_at timestamptz[], p_at_text text[], p_fields json[], p_personal text[], p_digest text[])
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  i integer;
  v_chain text := NULL;
  v_seq integer;
  v_prev text;
  v_hash text;
BEGIN
  PERFORM 1 FROM debtor_accounts WHERE id = ANY(p_debtor) ORDER BY id FOR NO KEY UPDATE;
  IF EXISTS (SELECT 1 FROM unnest(p_campaign, p_debtor) AS t(c, d) WHERE c IS NOT NULL AND d IS NULL) THEN
    PERFORM 1 FROM campaigns WHERE id IN (SELECT c FROM unnest(p_campaign, p_debtor) AS t(c, d) WHERE d IS NULL)
      ORDER BY id FOR NO KEY UPDATE;
  END IF;
  IF 'global' = ANY(p_chain) THEN
    PERFORM pg_advisory_xact_lock(7236398101);
  END IF;
  FOR i IN 1 .. coalesce(array_length(p_chain, 1), 0) LOOP
    IF v_chain IS DISTINCT FROM p_chain[i] THEN
      v_chain := p_chain[i];
      SELECT seq, hash INTO v_seq, v_prev FROM event_chain WHERE chain = v_chain ORDER BY seq DESC LIMIT 1;
      IF NOT FOUND THEN
        v_seq := 0;
        v_prev := repeat('0', 64);
      END IF;
    END IF;
    v_seq := v_seq + 1;
    v_hash := encode(sha256(convert_to(v_prev || '|' || v_chain || '|' || v_seq || '|' || p_kind[i] || '|'
                                       || p_event[i] || '|' || p_at_text[i] || '|' || p_digest[i], 'UTF8')), 'hex');
    INSERT INTO event_chain (chain, seq, campaign_id, debtor_id, kind, event_id, event_at, chained_at, fields,
                             personal_digest, digest, prev_hash, hash)
    VALUES (v_chain, v_seq, p_campaign[i], p_debtor[i], p_kind[i], p_event[i], p_at[i], now(), p_fields[i],
            p_personal[i], p_digest[i], v_prev, v_hash);
    v_prev := v_hash;
  END LOOP;
END $$""",
    "DROP TRIGGER IF EXISTS event_chain_append_only ON event_chain",
    "CREATE TRIGGER event_chain_append_only BEFORE UPDATE OR DELETE ON event_chain "
    "FOR EACH ROW EXECUTE FUNCTION relance_refuse_rewriting()",
    "DROP TRIGGER IF EXISTS call_attempts_no_delete ON call_attempts",
    "CREATE TRIGGER call_attempts_no_delete BEFORE DELETE ON call_attempts "
    "FOR EACH ROW EXECUTE FUNCTION relance_refuse_rewriting()",
    "DROP TRIGGER IF EXISTS call_attempts_purge_only ON call_attempts",
    "CREATE TRIGGER call_attempts_purge_only BEFORE UPDATE ON call_attempts "
    "FOR EACH ROW EXECUTE FUNCTION relance_call_attempts_purge_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION relance_refuse_rewriting()",
    "DROP TRIGGER IF EXISTS audit_log_purge_only ON audit_log",
    "CREATE TRIGGER audit_log_purge_only BEFORE UPDATE ON audit_log FOR EACH ROW "
    "EXECUTE FUNCTION relance_audit_log_purge_only(" + ", ".join(f"'{k}'" for k in PERSONAL_DETAIL_KEYS) + ")",
]

DROP_EVIDENCE_DDL = [
    "DROP TRIGGER IF EXISTS event_chain_append_only ON event_chain",
    "DROP TRIGGER IF EXISTS call_attempts_no_delete ON call_attempts",
    "DROP TRIGGER IF EXISTS call_attempts_purge_only ON call_attempts",
    "DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_purge_only ON audit_log",
    "DROP FUNCTION IF EXISTS relance_refuse_rewriting()",
    "DROP FUNCTION IF EXISTS relance_call_attempts_purge_only()",
    "DROP FUNCTION IF EXISTS relance_audit_log_purge_only()",
    "DROP FUNCTION IF EXISTS relance_append_links(text[], integer[], integer[], text[], bigint[], timestamptz[], "
    "text[], json[], text[], text[])",
]


@sa.event.listens_for(Base.metadata, "after_create")
def _install_append_only_triggers(_metadata, connection, **_kw):
    """``create_all`` (tests, benchmarks) installs the same guards as the migration."""
    if connection.dialect.name == "postgresql":
        for statement in EVIDENCE_DDL:
            connection.execute(sa.text(statement))
