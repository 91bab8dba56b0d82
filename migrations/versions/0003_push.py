"""push: subscriptions, reminder schedules, notification outbox

Revision ID: 0003_push
Revises: 0002_audience
Create Date: 2026-11-25 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_push'
down_revision = '0002_audience'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('push_subscriptions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('endpoint_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('secret', sa.LargeBinary(), nullable=False),
    sa.Column('push_origin', sa.String(length=255), nullable=False),
    sa.Column('app_origin', sa.String(length=255), nullable=True),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('vapid_key_version', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_push_subscriptions_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint_hash', name=op.f('uq_push_subscriptions_endpoint_hash'))
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_owner_id'), ['owner_id'], unique=False)

    op.create_table('reminder_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('times', sa.String(length=17), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=True),
    sa.Column('quiet_end', sa.Time(), nullable=True),
    sa.Column('skip_if_checked_in', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('paused_until', sa.DateTime(), nullable=True),
    sa.Column('ignored_in_a_row', sa.Integer(), nullable=False),
    sa.Column('every_other_day', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('backoff_anchor', sa.Date(), nullable=True),
    sa.Column('last_nudge_at', sa.DateTime(), nullable=True),
    sa.Column('next_due_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_settings'))
    )
    with op.batch_alter_table('reminder_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_settings_next_due_at'), ['next_due_at'], unique=False)

    op.create_table('push_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('slot', sa.String(length=64), nullable=True),
    sa.Column('event', sa.String(length=32), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.String(length=240), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('origin', sa.String(length=255), nullable=True),
    sa.Column('tag', sa.String(length=32), nullable=True),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_notifications')),
    sa.UniqueConstraint('user_id', 'slot', name='uq_push_notifications_user_slot')
    )
    with op.batch_alter_table('push_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_push_notifications_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('push_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['push_notifications.id'], name=op.f('fk_push_jobs_notification_id_push_notifications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['push_subscriptions.id'], name=op.f('fk_push_jobs_subscription_id_push_subscriptions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_jobs')),
    sa.UniqueConstraint('notification_id', 'subscription_id', name='uq_push_jobs_notification_subscription')
    )
    with op.batch_alter_table('push_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_push_jobs_claimable', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_jobs_subscription_id'), ['subscription_id'], unique=False)


def downgrade():
    with op.batch_alter_table('push_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_jobs_subscription_id'))
        batch_op.drop_index('ix_push_jobs_claimable')
    op.drop_table('push_jobs')

    with op.batch_alter_table('push_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_push_notifications_user_created')
    op.drop_table('push_notifications')

    with op.batch_alter_table('reminder_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_settings_next_due_at'))
    op.drop_table('reminder_settings')

    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_owner_id'))
    op.drop_table('push_subscriptions')
