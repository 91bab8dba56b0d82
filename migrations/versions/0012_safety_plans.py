"""safety_plans and safety_plan_shares: the member's encrypted safety plan, and the clinicians it is shared with

Revision ID: 0012_safety_plans
Revises: 0011_questionnaires
Create Date: 2026-12-03 13:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_safety_plans'
down_revision = '0011_questionnaires'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('safety_plans',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('body_ct', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_safety_plans_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', name=op.f('pk_safety_plans'))
    )
    op.create_table('safety_plan_shares',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('clinician_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['clinician_id'], ['users.id'], name=op.f('fk_safety_plan_shares_clinician_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_safety_plan_shares_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'clinician_id', name=op.f('pk_safety_plan_shares'))
    )
    with op.batch_alter_table('safety_plan_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_plan_shares_clinician_id'), ['clinician_id'], unique=False)


def downgrade():
    with op.batch_alter_table('safety_plan_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_plan_shares_clinician_id'))
    op.drop_table('safety_plan_shares')
    op.drop_table('safety_plans')
