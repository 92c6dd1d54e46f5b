"""one currency per debtor account, the campaign's exchange rates, each file's totals per currency

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 21:30:00

- debtor_accounts.currency: the currency of the account's invoices (a customer billed in two currencies is
  two accounts), so that no debtor total mixes currencies;
- campaigns.exchange_rates: {currency: units of the campaign's currency for one unit}, entered by the manager,
  used by the priority score only;
- import_batches.currencies: {currency: {invoices, outstanding_cents}} of each checked file.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(3), nullable=False, server_default='EUR'))
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.add_column(sa.Column('exchange_rates', sa.JSON(), nullable=True))
    with op.batch_alter_table('import_batches') as batch_op:
        batch_op.add_column(sa.Column('currencies', sa.JSON(), nullable=True))
    # Accounts loaded before hold the currency of their invoices.
    op.execute("UPDATE debtor_accounts SET currency = COALESCE((SELECT MIN(i.currency) FROM invoices i "
               "WHERE i.debtor_id = debtor_accounts.id), 'EUR')")


def downgrade():
    with op.batch_alter_table('import_batches') as batch_op:
        batch_op.drop_column('currencies')
    with op.batch_alter_table('campaigns') as batch_op:
        batch_op.drop_column('exchange_rates')
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.drop_column('currency')
