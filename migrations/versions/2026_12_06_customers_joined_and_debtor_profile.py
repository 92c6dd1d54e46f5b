"""customers joined from a second sheet or file, and what the file says of a debtor beyond its invoices

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:00:00

- debtor_accounts.siret, address, company_size (language was there, always "fr": now read from the file);
- import_batches.customers_*: where the customers table came from (a sheet of the workbook or a second file,
  stored beside the first with its sha256), its mapping and its columns;
- client_companies.customers_mapping(_columns): the customers mapping remembered per client, like the others.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.add_column(sa.Column('siret', sa.String(14), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(500), nullable=True))
        batch_op.add_column(sa.Column('company_size', sa.String(8), nullable=True))
    with op.batch_alter_table('import_batches') as batch_op:
        batch_op.add_column(sa.Column('customers_source', sa.String(8), nullable=True))
        batch_op.add_column(sa.Column('customers_sheet', sa.String(120), nullable=True))
        batch_op.add_column(sa.Column('customers_file_name', sa.String(255), nullable=True))
        batch_op.add_column(sa.Column('customers_path', sa.String(500), nullable=True))
        batch_op.add_column(sa.Column('customers_sha256', sa.String(64), nullable=True))
        batch_op.add_column(sa.Column('customers_mapping', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('customers_columns', sa.JSON(), nullable=True))
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.add_column(sa.Column('customers_mapping', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('customers_mapping_columns', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('client_companies') as batch_op:
        batch_op.drop_column('customers_mapping_columns')
        batch_op.drop_column('customers_mapping')
    with op.batch_alter_table('import_batches') as batch_op:
        for column in ('customers_columns', 'customers_mapping', 'customers_sha256', 'customers_path',
                       'customers_file_name', 'customers_sheet', 'customers_source'):
            batch_op.drop_column(column)
    with op.batch_alter_table('debtor_accounts') as batch_op:
        batch_op.drop_column('company_size')
        batch_op.drop_column('address')
        batch_op.drop_column('siret')
