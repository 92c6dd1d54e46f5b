"""promises judged from dated payments, update-file previews, the default motives on every install

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:10:00

- promise_invoices.outstanding_cents: each invoice's outstanding when the promise was made;
- instalments.paid_cents: what the payments put on each instalment of a plan;
- invoice_changes: the payment's date, method and reference, and when the change was recorded;
- update_lines: what an update file does (or would do) to each invoice, shown before it is applied;
- client_companies.payments_mapping: the remembered mapping of a client's payments lists;
- the default motive taxonomy, inserted where missing (a client's own motives are never touched).
"""
import sqlalchemy as sa
from alembic import op

import campaigns.models.base

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# A frozen copy of campaigns.taxonomy.DEFAULT_MOTIVES as of this migration: a migration must not
# change meaning when the code's list changes later (a later migration adds new motives).
DEFAULT_MOTIVES = [
    ("documents", None, "Documents manquants", "Missing documents", True, True),
    ("documents.invoice_not_received", "documents", "Facture non reçue", "Invoice not received", True, True),
    ("documents.order_number", "documents", "Numéro de commande manquant", "Order number missing", True, True),
    ("documents.delivery_note", "documents", "Bon de livraison manquant", "Delivery note missing", True, True),
    ("documents.bank_details", "documents", "RIB manquant", "Bank details missing", True, True),
    ("documents.duplicate", "documents", "Duplicata demandé", "Copy of invoice requested", True, True),
    ("dispute", None, "Litige commercial", "Commercial dispute", True, False),
    ("dispute.price", "dispute", "Litige sur le prix", "Price dispute", True, False),
    ("dispute.quantity", "dispute", "Litige sur la quantité", "Quantity dispute", True, False),
    ("dispute.quality", "dispute", "Litige qualité", "Quality dispute", True, False),
    ("dispute.not_delivered", "dispute", "Marchandise non livrée / prestation non réalisée",
     "Not delivered / service not performed", True, False),
    ("dispute.credit_note", "dispute", "Avoir attendu", "Credit note awaited", True, False),
    ("cash_flow", None, "Difficultés de trésorerie", "Cash-flow difficulty", False, False),
    ("already_paid", None, "Déjà payé", "Already paid", True, False),
    ("approval", None, "En attente de validation interne", "Awaiting internal approval", False, False),
    ("insolvency", None, "Procédure collective", "Insolvency proceedings", True, False),
    ("refusal", None, "Refus de payer", "Refusal to pay", False, False),
    ("other", None, "Autre motif", "Other", False, False),
]

motives = sa.table(
    "motives",
    sa.column("id", sa.Integer), sa.column("client_company_id", sa.Integer), sa.column("code", sa.String),
    sa.column("parent_code", sa.String), sa.column("label_fr", sa.String), sa.column("label_en", sa.String),
    sa.column("blocks_queue", sa.Boolean), sa.column("asks_documents", sa.Boolean),
    sa.column("sort_order", sa.Integer), sa.column("active", sa.Boolean),
)


def _insert_default_motives() -> None:
    """Insert the default motives that are missing; rows already there (a demo, an earlier run) stay."""
    bind = op.get_bind()
    existing = set(bind.execute(sa.select(motives.c.code).where(motives.c.client_company_id.is_(None))).scalars())
    rows = [dict(client_company_id=None, code=code, parent_code=parent, label_fr=fr, label_en=en,
                 blocks_queue=blocks, asks_documents=docs, sort_order=order * 10, active=True)
            for order, (code, parent, fr, en, blocks, docs) in enumerate(DEFAULT_MOTIVES) if code not in existing]
    if rows:
        op.bulk_insert(motives, rows)


def upgrade() -> None:
    with op.batch_alter_table('promise_invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outstanding_cents', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_cents', sa.BigInteger(), nullable=False, server_default='0'))
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.alter_column('paid_cents', server_default=None)
    with op.batch_alter_table('invoice_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('payment_method', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('payment_reference', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('created_at', campaigns.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('client_companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payments_mapping', sa.JSON(), nullable=True))

    # Earlier promises were judged against the outstanding at placement; so are they from now on.
    op.execute("UPDATE promise_invoices SET outstanding_cents = (SELECT initial_outstanding_cents FROM invoices "
               "WHERE invoices.id = promise_invoices.invoice_id)")
    # Earlier changes were recorded when their batch was applied.
    op.execute("UPDATE invoice_changes SET created_at = (SELECT COALESCE(applied_at, created_at) FROM import_batches "
               "WHERE import_batches.id = invoice_changes.batch_id)")
    with op.batch_alter_table('invoice_changes', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=campaigns.models.base.UTCDateTime(timezone=True),
                              nullable=False)

    op.create_table('update_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('paid', 'partly_paid', 'overpaid', 'increased', 'new', 'absent_paid', 'unknown',
                              'already_paid', 'ambiguous', 'kept_rejected', name='updatelinekind',
                              native_enum=False, length=16), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('invoice_number', sa.String(length=80), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=True),
    sa.Column('debtor_name', sa.String(length=300), nullable=True),
    sa.Column('before_cents', sa.BigInteger(), nullable=True),
    sa.Column('after_cents', sa.BigInteger(), nullable=True),
    sa.Column('paid_cents', sa.BigInteger(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('promise_id', sa.Integer(), nullable=True),
    sa.Column('promise_status', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_update_lines_batch_id_import_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtor_accounts.id'], name=op.f('fk_update_lines_debtor_id_debtor_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_update_lines_invoice_id_invoices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['promise_id'], ['promises.id'], name=op.f('fk_update_lines_promise_id_promises'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_lines'))
    )
    with op.batch_alter_table('update_lines', schema=None) as batch_op:
        batch_op.create_index('ix_update_lines_batch_seq', ['batch_id', 'seq'], unique=False)

    _insert_default_motives()


def downgrade() -> None:
    # The default motives stay: calls recorded with them refer to them.
    with op.batch_alter_table('update_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_update_lines_batch_seq')
    op.drop_table('update_lines')
    with op.batch_alter_table('client_companies', schema=None) as batch_op:
        batch_op.drop_column('payments_mapping')
    with op.batch_alter_table('invoice_changes', schema=None) as batch_op:
        batch_op.drop_column('created_at')
        batch_op.drop_column('payment_reference')
        batch_op.drop_column('payment_method')
        batch_op.drop_column('paid_on')
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.drop_column('paid_cents')
    with op.batch_alter_table('promise_invoices', schema=None) as batch_op:
        batch_op.drop_column('outstanding_cents')
