"""medications.schedule_ct: taken on a schedule or as needed (encrypted)

Revision ID: 0008_medication_schedule
Revises: 0007_auth_sessions
Create Date: 2026-12-03 09:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_medication_schedule'
down_revision = '0007_auth_sessions'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no table rebuild): existing medications read as scheduled.
    op.add_column('medications', sa.Column('schedule_ct', sa.LargeBinary(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place; never a batch rebuild (see migrations/env.py).
    op.drop_column('medications', 'schedule_ct')
