"""milestones: "days since" counters (encrypted), milestones shared with peers, and reactions to them

Revision ID: 0013_milestones
Revises: 0012_safety_plans
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_milestones'
down_revision = '0012_safety_plans'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('milestone_counters',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('payload_ct', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_milestone_counters_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_counters'))
    )
    with op.batch_alter_table('milestone_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_counters_owner_id'), ['owner_id'], unique=False)

    op.create_table('milestone_shares',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('counter_id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('label_ct', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['milestone_counters.id'], name=op.f('fk_milestone_shares_counter_id_milestone_counters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_milestone_shares_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_shares'))
    )
    with op.batch_alter_table('milestone_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_shares_counter_id'), ['counter_id'], unique=False)
        batch_op.create_index('ix_milestone_shares_owner_created', ['owner_id', 'created_at'], unique=False)

    op.create_table('milestone_reactions',
    sa.Column('share_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['share_id'], ['milestone_shares.id'], name=op.f('fk_milestone_reactions_share_id_milestone_shares'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_milestone_reactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('share_id', 'user_id', 'kind', name=op.f('pk_milestone_reactions'))
    )
    with op.batch_alter_table('milestone_reactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_reactions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('milestone_reactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_reactions_user_id'))
    op.drop_table('milestone_reactions')
    with op.batch_alter_table('milestone_shares', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_shares_owner_created')
        batch_op.drop_index(batch_op.f('ix_milestone_shares_counter_id'))
    op.drop_table('milestone_shares')
    with op.batch_alter_table('milestone_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_counters_owner_id'))
    op.drop_table('milestone_counters')
