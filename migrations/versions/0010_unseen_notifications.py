"""users.unseen_notifications: the Peers tab's badge, read with the member's row

Revision ID: 0010_unseen_notifications
Revises: 0009_account_recovery
Create Date: 2026-12-03 11:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_unseen_notifications'
down_revision = '0009_account_recovery'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unseen_notifications', sa.Integer(), server_default='0', nullable=False))
    # Members who already have unread notifications see them counted from the first page.
    op.execute("UPDATE users SET unseen_notifications = (SELECT count(*) FROM peer_notifications "
               "WHERE peer_notifications.user_id = users.id AND peer_notifications.read_at IS NULL)")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('unseen_notifications')
