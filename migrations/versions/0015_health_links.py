"""health_links: SMART Health Links a member made (the encrypted file, terms, openings)

Revision ID: 0015_health_links
Revises: 0014_imports
Create Date: 2026-12-03 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_health_links'
down_revision = '0014_imports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('health_links',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('manifest_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('jwe', sa.Text(), nullable=False),
    sa.Column('details_ct', sa.LargeBinary(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('passcode_hash', sa.String(length=255), nullable=True),
    sa.Column('attempts_left', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('access_count', sa.Integer(), nullable=False),
    sa.Column('last_access_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_health_links_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_links')),
    sa.UniqueConstraint('manifest_hash', name=op.f('uq_health_links_manifest_hash'))
    )
    with op.batch_alter_table('health_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_links_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('health_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_links_owner_id'))
    op.drop_table('health_links')
