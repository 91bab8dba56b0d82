"""questionnaire_responses (encrypted answers and scores), questionnaire_schedules, questionnaire_settings

Revision ID: 0011_questionnaires
Revises: 0010_unseen_notifications
Create Date: 2026-12-03 14:10:00

"""
from alembic import op
import sqlalchemy as sa



revision = '0011_questionnaires'
down_revision = '0010_unseen_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questionnaire_responses',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=16), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('payload_ct', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_questionnaire_responses_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_responses'))
    )
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.create_index('ix_questionnaire_responses_owner_instrument_taken', ['owner_id', 'instrument', 'taken_at'], unique=False)

    op.create_table('questionnaire_schedules',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=16), nullable=False),
    sa.Column('every_weeks', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_questionnaire_schedules_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'instrument', name=op.f('pk_questionnaire_schedules'))
    )
    op.create_table('questionnaire_settings',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('with_clinicians', sa.Boolean(), nullable=False),
    sa.Column('remind', sa.Boolean(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_questionnaire_settings_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', name=op.f('pk_questionnaire_settings'))
    )


def downgrade():
    op.drop_table('questionnaire_settings')
    op.drop_table('questionnaire_schedules')
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_responses_owner_instrument_taken')
    op.drop_table('questionnaire_responses')
