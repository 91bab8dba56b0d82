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
    pass


def downgrade():
    pass
