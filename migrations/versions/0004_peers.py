"""peers: profiles, connections, comments, reactions, reports, moderation

Revision ID: 0004_peers
Revises: 0003_push
Create Date: 2026-11-25 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_peers'
down_revision = '0003_push'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
