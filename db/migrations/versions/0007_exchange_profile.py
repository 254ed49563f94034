"""Exchange: the installation profile (hub or spoke) and the units' signing keys.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('installation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=True),
    sa.Column('hub_name', sa.String(length=100), nullable=True),
    sa.Column('enrolled_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation'))
    )
    op.create_table('unit_key',
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('key_hex', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('replaced_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('unit_code', name=op.f('pk_unit_key'))
    )


def downgrade() -> None:
    op.drop_table('unit_key')
    op.drop_table('installation')
