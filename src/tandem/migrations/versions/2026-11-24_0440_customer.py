"""customer: source registry, ingestion and resolution runs, review pairs, erasure requests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 04:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tandem.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_erasure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('records_removed', sa.Integer(), nullable=False),
    sa.Column('events_removed', sa.Integer(), nullable=False),
    sa.Column('files_rewritten', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['requested_by_id'], ['person.id'], name=op.f('fk_customer_erasure_requested_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_erasure'))
    )
    with op.batch_alter_table('customer_erasure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_erasure_requested_by_id'), ['requested_by_id'], unique=False)

    op.create_table('customer_resolution_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('running', 'loaded', 'duplicate', 'failed', name='runstatus', native_enum=False, length=20), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['started_by_id'], ['person.id'], name=op.f('fk_customer_resolution_run_started_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_resolution_run'))
    )
    with op.batch_alter_table('customer_resolution_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_resolution_run_started_by_id'), ['started_by_id'], unique=False)

    op.create_table('customer_review_pair',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('left_ref', sa.String(length=300), nullable=False),
    sa.Column('right_ref', sa.String(length=300), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'rejected', name='reviewstatus', native_enum=False, length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], name=op.f('fk_customer_review_pair_decided_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_review_pair')),
    sa.UniqueConstraint('left_ref', 'right_ref', name=op.f('uq_customer_review_pair_left_ref_right_ref'))
    )
    with op.batch_alter_table('customer_review_pair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_review_pair_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_review_pair_status'), ['status'], unique=False)

    op.create_table('customer_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('first_party', 'partner', 'third_party', name='sourcekind', native_enum=False, length=20), nullable=False),
    sa.Column('content', sa.Enum('people', 'events', name='content', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('steward_id', sa.Integer(), nullable=True),
    sa.Column('custodian_id', sa.Integer(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('refresh_cadence', sa.String(length=40), nullable=False),
    sa.Column('default_region', sa.String(length=2), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['custodian_id'], ['person.id'], name=op.f('fk_customer_source_custodian_id_person')),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_customer_source_owner_id_person')),
    sa.ForeignKeyConstraint(['steward_id'], ['person.id'], name=op.f('fk_customer_source_steward_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_source')),
    sa.UniqueConstraint('name', name=op.f('uq_customer_source_name'))
    )
    with op.batch_alter_table('customer_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_source_custodian_id'), ['custodian_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_source_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_source_steward_id'), ['steward_id'], unique=False)

    op.create_table('customer_ingest_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('running', 'loaded', 'duplicate', 'failed', name='runstatus', native_enum=False, length=20), nullable=False),
    sa.Column('rows_in', sa.Integer(), nullable=False),
    sa.Column('loaded', sa.Integer(), nullable=False),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('dropped_fields', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', tandem.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', tandem.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['customer_source.id'], name=op.f('fk_customer_ingest_run_source_id_customer_source'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['person.id'], name=op.f('fk_customer_ingest_run_started_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_ingest_run'))
    )
    with op.batch_alter_table('customer_ingest_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_ingest_run_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_ingest_run_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_ingest_run_started_by_id'), ['started_by_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('customer_ingest_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_ingest_run_started_by_id'))
        batch_op.drop_index(batch_op.f('ix_customer_ingest_run_source_id'))
        batch_op.drop_index(batch_op.f('ix_customer_ingest_run_content_hash'))

    op.drop_table('customer_ingest_run')
    with op.batch_alter_table('customer_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_source_steward_id'))
        batch_op.drop_index(batch_op.f('ix_customer_source_owner_id'))
        batch_op.drop_index(batch_op.f('ix_customer_source_custodian_id'))

    op.drop_table('customer_source')
    with op.batch_alter_table('customer_review_pair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_review_pair_status'))
        batch_op.drop_index(batch_op.f('ix_customer_review_pair_decided_by_id'))

    op.drop_table('customer_review_pair')
    with op.batch_alter_table('customer_resolution_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_resolution_run_started_by_id'))

    op.drop_table('customer_resolution_run')
    with op.batch_alter_table('customer_erasure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_erasure_requested_by_id'))

    op.drop_table('customer_erasure')
