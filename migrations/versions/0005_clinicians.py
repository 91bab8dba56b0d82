"""clinicians: invitations, grants, notes, access log

Revision ID: 0005_clinicians
Revises: 0004_peers
Create Date: 2026-11-25 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_clinicians'
down_revision = '0004_peers'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
