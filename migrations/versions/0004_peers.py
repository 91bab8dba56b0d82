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
    op.create_table('peer_blocks',
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['users.id'], name=op.f('fk_peer_blocks_blocked_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['users.id'], name=op.f('fk_peer_blocks_blocker_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blocker_id', 'blocked_id', name=op.f('pk_peer_blocks'))
    )
    with op.batch_alter_table('peer_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_blocks_blocked_id'), ['blocked_id'], unique=False)

    op.create_table('peer_connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_low', sa.Integer(), nullable=False),
    sa.Column('user_high', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_peer_connections_requester_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_high'], ['users.id'], name=op.f('fk_peer_connections_user_high_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_low'], ['users.id'], name=op.f('fk_peer_connections_user_low_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_connections')),
    sa.UniqueConstraint('user_low', 'user_high', name='uq_peer_connections_pair')
    )
    with op.batch_alter_table('peer_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_connections_user_high'), ['user_high'], unique=False)

    op.create_table('peer_declines',
    sa.Column('decliner_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('declined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decliner_id'], ['users.id'], name=op.f('fk_peer_declines_decliner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_peer_declines_requester_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decliner_id', 'requester_id', name=op.f('pk_peer_declines'))
    )
    with op.batch_alter_table('peer_declines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_declines_requester_id'), ['requester_id'], unique=False)

    op.create_table('peer_profile_conditions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_profile_conditions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'code', name=op.f('pk_peer_profile_conditions'))
    )
    with op.batch_alter_table('peer_profile_conditions', schema=None) as batch_op:
        batch_op.create_index('ix_peer_profile_conditions_code', ['code', 'user_id'], unique=False)

    op.create_table('peer_profile_languages',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_profile_languages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'code', name=op.f('pk_peer_profile_languages'))
    )
    with op.batch_alter_table('peer_profile_languages', schema=None) as batch_op:
        batch_op.create_index('ix_peer_profile_languages_code', ['code', 'user_id'], unique=False)

    op.create_table('peer_profile_topics',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_profile_topics_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'code', name=op.f('pk_peer_profile_topics'))
    )
    with op.batch_alter_table('peer_profile_topics', schema=None) as batch_op:
        batch_op.create_index('ix_peer_profile_topics_code', ['code', 'user_id'], unique=False)

    op.create_table('peer_profiles',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('open_to_matches', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('support', sa.String(length=8), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('utc_offset_minutes', sa.Integer(), nullable=False),
    sa.Column('avatar_colour', sa.String(length=16), nullable=False),
    sa.Column('bio_ct', sa.LargeBinary(), nullable=True),
    sa.Column('other_condition_ct', sa.LargeBinary(), nullable=True),
    sa.Column('nudges_enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('guidelines_accepted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_peer_profiles_user_id'))
    )
    with op.batch_alter_table('peer_profiles', schema=None) as batch_op:
        batch_op.create_index('ix_peer_profiles_matchable', ['enabled', 'open_to_matches'], unique=False)

    op.create_table('peer_comments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('checkin_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('entry_owner_id', sa.Integer(), nullable=False),
    sa.Column('body_ct', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_peer_comments_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_peer_comments_checkin_id_checkins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_owner_id'], ['users.id'], name=op.f('fk_peer_comments_entry_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_comments'))
    )
    with op.batch_alter_table('peer_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_peer_comments_checkin_created', ['checkin_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_comments_entry_owner_id'), ['entry_owner_id'], unique=False)

    op.create_table('peer_reactions',
    sa.Column('checkin_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_peer_reactions_checkin_id_checkins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_reactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('checkin_id', 'user_id', 'kind', name=op.f('pk_peer_reactions'))
    )
    with op.batch_alter_table('peer_reactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_reactions_user_id'), ['user_id'], unique=False)

    op.create_table('peer_reports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('subject_kind', sa.String(length=8), nullable=False),
    sa.Column('subject_user_id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Uuid(), nullable=True),
    sa.Column('comment_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('details_ct', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_peer_reports_checkin_id_checkins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['peer_comments.id'], name=op.f('fk_peer_reports_comment_id_peer_comments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_peer_reports_reporter_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_peer_reports_subject_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_reports'))
    )
    with op.batch_alter_table('peer_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_reports_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_reports_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index('ix_peer_reports_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_reports_subject_user_id'), ['subject_user_id'], unique=False)

    op.create_table('peer_moderation_actions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('report_id', sa.Uuid(), nullable=True),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('moderator_name', sa.String(length=40), nullable=False),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('why_ct', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['users.id'], name=op.f('fk_peer_moderation_actions_moderator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['peer_reports.id'], name=op.f('fk_peer_moderation_actions_report_id_peer_reports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_peer_moderation_actions_subject_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_moderation_actions'))
    )
    with op.batch_alter_table('peer_moderation_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_moderation_actions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_moderation_actions_moderator_id'), ['moderator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_moderation_actions_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_moderation_actions_subject_user_id'), ['subject_user_id'], unique=False)

    op.create_table('peer_hidden_entries',
    sa.Column('checkin_id', sa.Uuid(), nullable=False),
    sa.Column('action_id', sa.Uuid(), nullable=True),
    sa.Column('hidden_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['peer_moderation_actions.id'], name=op.f('fk_peer_hidden_entries_action_id_peer_moderation_actions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_peer_hidden_entries_checkin_id_checkins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('checkin_id', name=op.f('pk_peer_hidden_entries'))
    )
    with op.batch_alter_table('peer_hidden_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_hidden_entries_action_id'), ['action_id'], unique=False)

    op.create_table('peer_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('checkin_id', sa.Uuid(), nullable=True),
    sa.Column('action_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['peer_moderation_actions.id'], name=op.f('fk_peer_notifications_action_id_peer_moderation_actions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_peer_notifications_actor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_peer_notifications_checkin_id_checkins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_notifications'))
    )
    with op.batch_alter_table('peer_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_notifications_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_notifications_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_notifications_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index('ix_peer_notifications_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_peer_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('peer_suspensions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.Column('action_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['peer_moderation_actions.id'], name=op.f('fk_peer_suspensions_action_id_peer_moderation_actions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_peer_suspensions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_peer_suspensions'))
    )
    with op.batch_alter_table('peer_suspensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_suspensions_action_id'), ['action_id'], unique=False)



def downgrade():
    with op.batch_alter_table('peer_suspensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_suspensions_action_id'))

    op.drop_table('peer_suspensions')
    with op.batch_alter_table('peer_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_notifications_user_unread')
        batch_op.drop_index('ix_peer_notifications_user_created')
        batch_op.drop_index(batch_op.f('ix_peer_notifications_checkin_id'))
        batch_op.drop_index(batch_op.f('ix_peer_notifications_actor_id'))
        batch_op.drop_index(batch_op.f('ix_peer_notifications_action_id'))

    op.drop_table('peer_notifications')
    with op.batch_alter_table('peer_hidden_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_hidden_entries_action_id'))

    op.drop_table('peer_hidden_entries')
    with op.batch_alter_table('peer_moderation_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_moderation_actions_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_peer_moderation_actions_report_id'))
        batch_op.drop_index(batch_op.f('ix_peer_moderation_actions_moderator_id'))
        batch_op.drop_index(batch_op.f('ix_peer_moderation_actions_created_at'))

    op.drop_table('peer_moderation_actions')
    with op.batch_alter_table('peer_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_reports_subject_user_id'))
        batch_op.drop_index('ix_peer_reports_status_created')
        batch_op.drop_index(batch_op.f('ix_peer_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_peer_reports_comment_id'))
        batch_op.drop_index(batch_op.f('ix_peer_reports_checkin_id'))

    op.drop_table('peer_reports')
    with op.batch_alter_table('peer_reactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_reactions_user_id'))

    op.drop_table('peer_reactions')
    with op.batch_alter_table('peer_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_comments_entry_owner_id'))
        batch_op.drop_index('ix_peer_comments_checkin_created')
        batch_op.drop_index(batch_op.f('ix_peer_comments_author_id'))

    op.drop_table('peer_comments')
    with op.batch_alter_table('peer_profiles', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_profiles_matchable')

    op.drop_table('peer_profiles')
    with op.batch_alter_table('peer_profile_topics', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_profile_topics_code')

    op.drop_table('peer_profile_topics')
    with op.batch_alter_table('peer_profile_languages', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_profile_languages_code')

    op.drop_table('peer_profile_languages')
    with op.batch_alter_table('peer_profile_conditions', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_profile_conditions_code')

    op.drop_table('peer_profile_conditions')
    with op.batch_alter_table('peer_declines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_declines_requester_id'))

    op.drop_table('peer_declines')
    with op.batch_alter_table('peer_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_connections_user_high'))

    op.drop_table('peer_connections')
    with op.batch_alter_table('peer_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_blocks_blocked_id'))

    op.drop_table('peer_blocks')
