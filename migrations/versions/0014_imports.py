"""imported_rows: a keyed hash per imported row, so importing the same export twice creates nothing new

Revision ID: 0014_imports
Revises: 0013_milestones
Create Date: 2026-12-03 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_imports'
down_revision = '0013_milestones'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('imported_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('row_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('checkin_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_imported_rows_checkin_id_checkins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_imported_rows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_rows')),
    sa.UniqueConstraint('user_id', 'row_key', name='uq_imported_rows_user_row_key')
    )
    with op.batch_alter_table('imported_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_rows_checkin_id'), ['checkin_id'], unique=False)


def downgrade():
    with op.batch_alter_table('imported_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imported_rows_checkin_id'))

    op.drop_table('imported_rows')
