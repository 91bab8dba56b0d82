"""account_tokens (password reset, email confirmation), users.email_verified_at, privacy consent, two-step sign-in

account_tokens keeps single-use tokens sent by mail, as SHA-256 only. Two-step sign-in adds the account's
TOTP secret (encrypted under its data key), when it was turned on and the last time step used, and
recovery_codes (SHA-256 only).

Only the SHA-256 of each token is stored. Deleting an account deletes its tokens (ON DELETE CASCADE).

Every account that exists when this runs is marked confirmed (email_verified_at = the upgrade's time):
those members registered before confirmation existed, and many are already connected with peers or
clinicians; locking them out of their own connections until they find a mail would punish them for our
change. New accounts confirm by the link mailed at registration.

Revision ID: 0009_account_recovery
Revises: 0008_medication_schedule
Create Date: 2026-12-05 10:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_account_recovery'
down_revision = '0008_medication_schedule'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_tokens',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
    )
    op.create_index(op.f('ix_account_tokens_user_id'), 'account_tokens', ['user_id'], unique=False)

    # Plain ADD/DROP COLUMN, never batch mode: on SQLite that rebuilds `users` (see migrations/env.py).
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    op.execute(sa.text("UPDATE users SET email_verified_at = :now")
               .bindparams(now=datetime.now(timezone.utc).replace(tzinfo=None)))

    # The privacy page's version agreed to at registration; accounts from before have none recorded.
    op.add_column('users', sa.Column('privacy_version', sa.String(length=32), nullable=True))
    op.add_column('users', sa.Column('privacy_accepted_at', sa.DateTime(), nullable=True))
    op.add_column('users', sa.Column('totp_secret_ct', sa.LargeBinary(), nullable=True))
    op.add_column('users', sa.Column('totp_enabled_at', sa.DateTime(), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_codes_code_hash'))
    )
    op.create_index(op.f('ix_recovery_codes_user_id'), 'recovery_codes', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_recovery_codes_user_id'), table_name='recovery_codes')
    op.drop_table('recovery_codes')
    op.drop_column('users', 'totp_last_step')
    op.drop_column('users', 'totp_enabled_at')
    op.drop_column('users', 'totp_secret_ct')
    op.drop_column('users', 'privacy_accepted_at')
    op.drop_column('users', 'privacy_version')
    op.drop_column('users', 'email_verified_at')
    op.drop_index(op.f('ix_account_tokens_user_id'), table_name='account_tokens')
    op.drop_table('account_tokens')
