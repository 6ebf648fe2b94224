"""scorecard: KPIs, per-period targets, values (every version kept), breaches with their corrective task

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tandem.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scorecard_kpi',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('dimension', sa.Enum('people', 'process', 'technology', 'data', name='dimension', native_enum=False, length=20), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.Enum('higher', 'lower', 'band', name='direction', native_enum=False, length=20), nullable=False),
    sa.Column('period_kind', sa.Enum('week', 'month', 'quarter', name='periodkind', native_enum=False, length=20), nullable=False),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('warning', sa.Double(), nullable=False),
    sa.Column('critical', sa.Double(), nullable=False),
    sa.Column('band_lower', sa.Double(), nullable=True),
    sa.Column('band_upper', sa.Double(), nullable=True),
    sa.Column('source', sa.Enum('manual', 'answer', 'builtin', name='sourcekind', native_enum=False, length=20), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('is_archived', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_scorecard_kpi_answer_id_answers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_scorecard_kpi_created_by_id_person')),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_scorecard_kpi_owner_id_person')),
    sa.ForeignKeyConstraint(['responsible_id'], ['person.id'], name=op.f('fk_scorecard_kpi_responsible_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_kpi')),
    sa.UniqueConstraint('name', name=op.f('uq_scorecard_kpi_name'))
    )
    with op.batch_alter_table('scorecard_kpi', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_kpi_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecard_kpi_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecard_kpi_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecard_kpi_responsible_id'), ['responsible_id'], unique=False)

    op.create_table('scorecard_breach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('open_kpi_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Enum('on_track', 'at_risk', 'off_track', 'no_data', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('first_period', sa.String(length=10), nullable=False),
    sa.Column('last_period', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=False),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recovered_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recovered_period', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['scorecard_kpi.id'], name=op.f('fk_scorecard_breach_kpi_id_scorecard_kpi'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['agenda_task.id'], name=op.f('fk_scorecard_breach_task_id_agenda_task'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_breach')),
    sa.UniqueConstraint('open_kpi_id', name=op.f('uq_scorecard_breach_open_kpi_id'))
    )
    with op.batch_alter_table('scorecard_breach', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_breach_kpi_id'), ['kpi_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecard_breach_task_id'), ['task_id'], unique=False)

    op.create_table('scorecard_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('warning', sa.Double(), nullable=False),
    sa.Column('critical', sa.Double(), nullable=False),
    sa.Column('band_lower', sa.Double(), nullable=True),
    sa.Column('band_upper', sa.Double(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['scorecard_kpi.id'], name=op.f('fk_scorecard_target_kpi_id_scorecard_kpi'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['person.id'], name=op.f('fk_scorecard_target_set_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_target')),
    sa.UniqueConstraint('kpi_id', 'period', name=op.f('uq_scorecard_target_kpi_id_period'))
    )
    with op.batch_alter_table('scorecard_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_target_kpi_id'), ['kpi_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecard_target_set_by_id'), ['set_by_id'], unique=False)

    op.create_table('scorecard_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('origin', sa.Enum('manual', 'computed', name='valueorigin', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('on_track', 'at_risk', 'off_track', 'no_data', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['scorecard_kpi.id'], name=op.f('fk_scorecard_value_kpi_id_scorecard_kpi'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['person.id'], name=op.f('fk_scorecard_value_recorded_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_value'))
    )
    with op.batch_alter_table('scorecard_value', schema=None) as batch_op:
        batch_op.create_index('ix_scorecard_value_kpi_period', ['kpi_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecard_value_recorded_by_id'), ['recorded_by_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('scorecard_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_value_recorded_by_id'))
        batch_op.drop_index('ix_scorecard_value_kpi_period')

    op.drop_table('scorecard_value')
    with op.batch_alter_table('scorecard_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_target_set_by_id'))
        batch_op.drop_index(batch_op.f('ix_scorecard_target_kpi_id'))

    op.drop_table('scorecard_target')
    with op.batch_alter_table('scorecard_breach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_breach_task_id'))
        batch_op.drop_index(batch_op.f('ix_scorecard_breach_kpi_id'))

    op.drop_table('scorecard_breach')
    with op.batch_alter_table('scorecard_kpi', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_kpi_responsible_id'))
        batch_op.drop_index(batch_op.f('ix_scorecard_kpi_owner_id'))
        batch_op.drop_index(batch_op.f('ix_scorecard_kpi_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_scorecard_kpi_answer_id'))

    op.drop_table('scorecard_kpi')
