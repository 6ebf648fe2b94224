"""foundation: people, activity, agenda

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 03:21:10.322003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tandem.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agenda_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('planned', 'active', 'closed', name='cyclestate', native_enum=False, length=20), nullable=False),
    sa.Column('review', sa.Text(), nullable=False),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.Column('closed_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_cycle'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('handle', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('side', sa.Enum('marketing', 'technology', 'executive', name='side', native_enum=False, length=20), nullable=False),
    sa.Column('role', sa.Enum('admin', 'lead', 'member', 'viewer', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('is_system', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('email', name=op.f('uq_person_email')),
    sa.UniqueConstraint('handle', name=op.f('uq_person_handle'))
    )
    op.create_table('activity_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('actor_side', sa.String(length=20), nullable=False),
    sa.Column('module', sa.String(length=30), nullable=False),
    sa.Column('verb', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_activity_event_actor_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_event'))
    )
    with op.batch_alter_table('activity_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_activity_event_module_at', ['module', 'at'], unique=False)

    op.create_table('agenda_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('is_joint', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('marketing_decider_id', sa.Integer(), nullable=True),
    sa.Column('technology_decider_id', sa.Integer(), nullable=True),
    sa.Column('decider_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=60), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decider_id'], ['person.id'], name=op.f('fk_agenda_decision_decider_id_person')),
    sa.ForeignKeyConstraint(['marketing_decider_id'], ['person.id'], name=op.f('fk_agenda_decision_marketing_decider_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_agenda_decision_recorded_by_id_person')),
    sa.ForeignKeyConstraint(['technology_decider_id'], ['person.id'], name=op.f('fk_agenda_decision_technology_decider_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_decision'))
    )
    with op.batch_alter_table('agenda_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_decision_decider_id'), ['decider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_decision_marketing_decider_id'), ['marketing_decider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_decision_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_decision_technology_decider_id'), ['technology_decider_id'], unique=False)

    op.create_table('agenda_priority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('marketing', 'technology', 'executive', name='side', native_enum=False, length=20), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('is_archived', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_agenda_priority_author_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_priority'))
    )
    with op.batch_alter_table('agenda_priority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_priority_author_id'), ['author_id'], unique=False)

    op.create_table('agenda_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('todo', 'doing', 'blocked', 'done', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=60), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_agenda_task_created_by_id_person')),
    sa.ForeignKeyConstraint(['cycle_id'], ['agenda_cycle.id'], name=op.f('fk_agenda_task_cycle_id_agenda_cycle'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_task'))
    )
    with op.batch_alter_table('agenda_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_task_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_task_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_task_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_task_status'), ['status'], unique=False)

    op.create_table('agenda_vision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_agenda_vision_author_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_vision'))
    )
    with op.batch_alter_table('agenda_vision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_vision_author_id'), ['author_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_revoked', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_api_token_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_person_id'), ['person_id'], unique=False)

    op.create_table('web_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_web_session_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_session_token_hash'))
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_person_id'), ['person_id'], unique=False)

    op.create_table('activity_notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('mentioned', 'assigned', 'informed', 'accountable', 'acknowledged', 'decided', name='reason', native_enum=False, length=20), nullable=False),
    sa.Column('read_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['activity_event.id'], name=op.f('fk_activity_notification_event_id_activity_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_activity_notification_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_notification')),
    sa.UniqueConstraint('person_id', 'event_id', name='uq_notification_person_event')
    )
    with op.batch_alter_table('activity_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_notification_person_id'), ['person_id'], unique=False)

    op.create_table('agenda_acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('restatement', sa.Text(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_agenda_acknowledgement_person_id_person')),
    sa.ForeignKeyConstraint(['priority_id'], ['agenda_priority.id'], name=op.f('fk_agenda_acknowledgement_priority_id_agenda_priority'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_acknowledgement'))
    )
    with op.batch_alter_table('agenda_acknowledgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_acknowledgement_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_acknowledgement_priority_id'), ['priority_id'], unique=False)

    op.create_table('agenda_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('R', 'A', 'C', 'I', name='raci', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_agenda_assignment_person_id_person')),
    sa.ForeignKeyConstraint(['task_id'], ['agenda_task.id'], name=op.f('fk_agenda_assignment_task_id_agenda_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_assignment')),
    sa.UniqueConstraint('task_id', 'person_id', 'role', name=op.f('uq_agenda_assignment_task_id_person_id_role'))
    )
    with op.batch_alter_table('agenda_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_assignment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_assignment_task_id'), ['task_id'], unique=False)

    op.create_table('agenda_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_agenda_comment_author_id_person')),
    sa.ForeignKeyConstraint(['task_id'], ['agenda_task.id'], name=op.f('fk_agenda_comment_task_id_agenda_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_comment'))
    )
    with op.batch_alter_table('agenda_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_comment_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_comment_task_id'), ['task_id'], unique=False)

    op.create_table('agenda_decision_task',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['agenda_decision.id'], name=op.f('fk_agenda_decision_task_decision_id_agenda_decision'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['agenda_task.id'], name=op.f('fk_agenda_decision_task_task_id_agenda_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decision_id', 'task_id', name=op.f('pk_agenda_decision_task'))
    )


def downgrade() -> None:
    op.drop_table('agenda_decision_task')
    with op.batch_alter_table('agenda_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_comment_task_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_comment_author_id'))

    op.drop_table('agenda_comment')
    with op.batch_alter_table('agenda_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_assignment_task_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_assignment_person_id'))

    op.drop_table('agenda_assignment')
    with op.batch_alter_table('agenda_acknowledgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_acknowledgement_priority_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_acknowledgement_person_id'))

    op.drop_table('agenda_acknowledgement')
    with op.batch_alter_table('activity_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_notification_person_id'))

    op.drop_table('activity_notification')
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_person_id'))

    op.drop_table('web_session')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_person_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('agenda_vision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_vision_author_id'))

    op.drop_table('agenda_vision')
    with op.batch_alter_table('agenda_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_task_status'))
        batch_op.drop_index(batch_op.f('ix_agenda_task_due_on'))
        batch_op.drop_index(batch_op.f('ix_agenda_task_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_task_created_by_id'))

    op.drop_table('agenda_task')
    with op.batch_alter_table('agenda_priority', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_priority_author_id'))

    op.drop_table('agenda_priority')
    with op.batch_alter_table('agenda_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_decision_technology_decider_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_decision_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_decision_marketing_decider_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_decision_decider_id'))

    op.drop_table('agenda_decision')
    with op.batch_alter_table('activity_event', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_event_module_at')
        batch_op.drop_index(batch_op.f('ix_activity_event_actor_id'))

    op.drop_table('activity_event')
    op.drop_table('person')
    op.drop_table('agenda_cycle')
