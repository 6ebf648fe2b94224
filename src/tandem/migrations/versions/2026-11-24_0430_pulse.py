"""pulse: versioned items, waves, invitations, public links, anonymous tallies, comments, actions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tandem.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pulse_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('wording', sa.String(length=400), nullable=False),
    sa.Column('origin', sa.String(length=300), nullable=False),
    sa.Column('is_current', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_item')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_pulse_item_code_version'))
    )
    with op.batch_alter_table('pulse_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_item_code'), ['code'], unique=False)

    op.create_table('pulse_wave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('open', 'closed', name='wavestate', native_enum=False, length=20), nullable=False),
    sa.Column('min_n', sa.Integer(), nullable=False),
    sa.Column('min_comment_n', sa.Integer(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['person.id'], name=op.f('fk_pulse_wave_opened_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_wave')),
    sa.UniqueConstraint('name', name=op.f('uq_pulse_wave_name'))
    )
    with op.batch_alter_table('pulse_wave', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_wave_opened_by_id'), ['opened_by_id'], unique=False)

    op.create_table('pulse_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('gap_points', sa.Double(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_pulse_action_created_by_id_person')),
    sa.ForeignKeyConstraint(['item_id'], ['pulse_item.id'], name=op.f('fk_pulse_action_item_id_pulse_item')),
    sa.ForeignKeyConstraint(['task_id'], ['agenda_task.id'], name=op.f('fk_pulse_action_task_id_agenda_task'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_wave.id'], name=op.f('fk_pulse_action_wave_id_pulse_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_action')),
    sa.UniqueConstraint('wave_id', 'item_id', name=op.f('uq_pulse_action_wave_id_item_id'))
    )
    with op.batch_alter_table('pulse_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_action_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_action_wave_id'), ['wave_id'], unique=False)

    op.create_table('pulse_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('marketing', 'technology', 'executive', name='side', native_enum=False, length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_wave.id'], name=op.f('fk_pulse_comment_wave_id_pulse_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_comment'))
    )
    with op.batch_alter_table('pulse_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_comment_wave_id'), ['wave_id'], unique=False)

    op.create_table('pulse_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('invited_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_pulse_invitation_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_wave.id'], name=op.f('fk_pulse_invitation_wave_id_pulse_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_pulse_invitation_token_hash')),
    sa.UniqueConstraint('wave_id', 'person_id', name=op.f('uq_pulse_invitation_wave_id_person_id'))
    )
    with op.batch_alter_table('pulse_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_invitation_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_invitation_wave_id'), ['wave_id'], unique=False)

    op.create_table('pulse_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('marketing', 'technology', 'executive', name='side', native_enum=False, length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_pulse_link_created_by_id_person')),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_wave.id'], name=op.f('fk_pulse_link_wave_id_pulse_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_pulse_link_token_hash')),
    sa.UniqueConstraint('wave_id', 'side', name=op.f('uq_pulse_link_wave_id_side'))
    )
    with op.batch_alter_table('pulse_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_link_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_link_wave_id'), ['wave_id'], unique=False)

    op.create_table('pulse_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('marketing', 'technology', 'executive', name='side', native_enum=False, length=20), nullable=False),
    sa.Column('level', sa.Enum('leader', 'staff', name='level', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_wave.id'], name=op.f('fk_pulse_response_wave_id_pulse_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_response'))
    )
    with op.batch_alter_table('pulse_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_response_wave_id'), ['wave_id'], unique=False)

    op.create_table('pulse_tally',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('marketing', 'technology', 'executive', name='side', native_enum=False, length=20), nullable=False),
    sa.Column('level', sa.Enum('leader', 'staff', name='level', native_enum=False, length=20), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['pulse_item.id'], name=op.f('fk_pulse_tally_item_id_pulse_item')),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_wave.id'], name=op.f('fk_pulse_tally_wave_id_pulse_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wave_id', 'item_id', 'side', 'level', 'score', name=op.f('pk_pulse_tally'))
    )
    op.create_table('pulse_wave_item',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['pulse_item.id'], name=op.f('fk_pulse_wave_item_item_id_pulse_item')),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_wave.id'], name=op.f('fk_pulse_wave_item_wave_id_pulse_wave'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wave_id', 'item_id', name=op.f('pk_pulse_wave_item'))
    )


def downgrade() -> None:
    op.drop_table('pulse_wave_item')
    op.drop_table('pulse_tally')
    with op.batch_alter_table('pulse_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_response_wave_id'))

    op.drop_table('pulse_response')
    with op.batch_alter_table('pulse_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_link_wave_id'))
        batch_op.drop_index(batch_op.f('ix_pulse_link_created_by_id'))

    op.drop_table('pulse_link')
    with op.batch_alter_table('pulse_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_invitation_wave_id'))
        batch_op.drop_index(batch_op.f('ix_pulse_invitation_person_id'))

    op.drop_table('pulse_invitation')
    with op.batch_alter_table('pulse_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_comment_wave_id'))

    op.drop_table('pulse_comment')
    with op.batch_alter_table('pulse_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_action_wave_id'))
        batch_op.drop_index(batch_op.f('ix_pulse_action_created_by_id'))

    op.drop_table('pulse_action')
    with op.batch_alter_table('pulse_wave', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_wave_opened_by_id'))

    op.drop_table('pulse_wave')
    with op.batch_alter_table('pulse_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_item_code'))

    op.drop_table('pulse_item')
