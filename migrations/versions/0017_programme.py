"""programme_participants: members who opted in to the programme's anonymous report

Revision ID: 0017_programme
Revises: 0015_health_links
Create Date: 2026-12-03 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_programme'
down_revision = '0015_health_links'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme_participants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_programme_participants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_programme_participants'))
    )


def downgrade():
    op.drop_table('programme_participants')
