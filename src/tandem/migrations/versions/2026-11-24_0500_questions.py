"""questions: questions, votes, comments, answers with versions and runs, insights, segments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tandem.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('priority', sa.Enum('low', 'medium', 'high', 'urgent', name='priority', native_enum=False, length=20), nullable=False),
    sa.Column('needed_by', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('asked', 'accepted', 'answered', 'acted_on', 'declined', 'merged', name='questionstate', native_enum=False, length=20), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['asked_by_id'], ['person.id'], name=op.f('fk_questions_asked_by_id_person')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['questions.id'], name=op.f('fk_questions_merged_into_id_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_questions_owner_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_asked_by_id'), ['asked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_state'), ['state'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('schedule', sa.Enum('none', 'hourly', 'daily', 'weekly', name='schedule', native_enum=False, length=20), nullable=False),
    sa.Column('next_run_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_run_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_answers_created_by_id_person')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_next_run_at'), ['next_run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_question_id'), ['question_id'], unique=False)

    op.create_table('question_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_question_comments_author_id_person')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_comments_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_comments'))
    )
    with op.batch_alter_table('question_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_comments_question_id'), ['question_id'], unique=False)

    op.create_table('question_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_question_votes_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_votes_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_votes')),
    sa.UniqueConstraint('question_id', 'person_id', name=op.f('uq_question_votes_question_id_person_id'))
    )
    with op.batch_alter_table('question_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_votes_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_votes_question_id'), ['question_id'], unique=False)

    op.create_table('answer_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sql', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('chart', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_versions_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_answer_versions_author_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_versions')),
    sa.UniqueConstraint('answer_id', 'number', name=op.f('uq_answer_versions_answer_id_number'))
    )
    with op.batch_alter_table('answer_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_versions_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_versions_author_id'), ['author_id'], unique=False)

    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('warehouse_version', sa.String(length=80), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('refreshed_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_segments_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_segments_created_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('name', name=op.f('uq_segments_name'))
    )
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segments_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_segments_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('answer_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('run_by_id', sa.Integer(), nullable=True),
    sa.Column('scheduled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('param_values', sa.JSON(), nullable=False),
    sa.Column('warehouse_version', sa.String(length=80), nullable=False),
    sa.Column('started_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('truncated', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_runs_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_by_id'], ['person.id'], name=op.f('fk_answer_runs_run_by_id_person')),
    sa.ForeignKeyConstraint(['version_id'], ['answer_versions.id'], name=op.f('fk_answer_runs_version_id_answer_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_runs'))
    )
    with op.batch_alter_table('answer_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_runs_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_runs_run_by_id'), ['run_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_runs_version_id'), ['version_id'], unique=False)

    op.create_table('segment_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('warehouse_version', sa.String(length=80), nullable=False),
    sa.Column('taken_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_snapshots_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment_snapshots'))
    )
    with op.batch_alter_table('segment_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_snapshots_segment_id'), ['segment_id'], unique=False)

    op.create_table('question_insights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_question_insights_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_question_insights_author_id_person')),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_question_insights_owner_id_person')),
    sa.ForeignKeyConstraint(['run_id'], ['answer_runs.id'], name=op.f('fk_question_insights_run_id_answer_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['agenda_task.id'], name=op.f('fk_question_insights_task_id_agenda_task'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_insights'))
    )
    with op.batch_alter_table('question_insights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_insights_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_insights_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_insights_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_insights_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_insights_task_id'), ['task_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('question_insights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_insights_task_id'))
        batch_op.drop_index(batch_op.f('ix_question_insights_run_id'))
        batch_op.drop_index(batch_op.f('ix_question_insights_owner_id'))
        batch_op.drop_index(batch_op.f('ix_question_insights_author_id'))
        batch_op.drop_index(batch_op.f('ix_question_insights_answer_id'))

    op.drop_table('question_insights')
    with op.batch_alter_table('segment_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_snapshots_segment_id'))

    op.drop_table('segment_snapshots')
    with op.batch_alter_table('answer_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_runs_version_id'))
        batch_op.drop_index(batch_op.f('ix_answer_runs_run_by_id'))
        batch_op.drop_index(batch_op.f('ix_answer_runs_answer_id'))

    op.drop_table('answer_runs')
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segments_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_segments_answer_id'))

    op.drop_table('segments')
    with op.batch_alter_table('answer_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_versions_author_id'))
        batch_op.drop_index(batch_op.f('ix_answer_versions_answer_id'))

    op.drop_table('answer_versions')
    with op.batch_alter_table('question_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_votes_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_votes_person_id'))

    op.drop_table('question_votes')
    with op.batch_alter_table('question_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_comments_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_comments_author_id'))

    op.drop_table('question_comments')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_question_id'))
        batch_op.drop_index(batch_op.f('ix_answers_next_run_at'))
        batch_op.drop_index(batch_op.f('ix_answers_created_by_id'))

    op.drop_table('answers')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_state'))
        batch_op.drop_index(batch_op.f('ix_questions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_questions_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_questions_asked_by_id'))

    op.drop_table('questions')
