"""Evaluations (绩效评价): evaluations and lines, templates, experts and agencies, panels and expert scores.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('qualification', sa.String(length=200), nullable=True),
    sa.Column('contact', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('name', name=op.f('uq_agency_name'))
    )
    op.create_table('evaluation_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('framework_json', sa.Text(), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_template'))
    )
    op.create_table('expert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('employer', sa.String(length=100), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_expert_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert'))
    )
    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('subject_kind', sa.String(length=12), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('framework_json', sa.Text(), nullable=True),
    sa.Column('data_json', sa.Text(), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('executed', sa.BigInteger(), nullable=True),
    sa.Column('score', sa.String(length=40), nullable=True),
    sa.Column('grade', sa.String(length=4), nullable=True),
    sa.Column('grades_json', sa.Text(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('agency_rating', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('finalised_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_evaluation_agency_id_agency')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_evaluation_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_evaluation_unit_id_unit')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_evaluation_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation'))
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_year'), ['year'], unique=False)

    op.create_table('evaluation_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level1', sa.String(length=16), nullable=False),
    sa.Column('level2', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.String(length=40), nullable=False),
    sa.Column('comparator', sa.String(length=8), nullable=True),
    sa.Column('target', sa.String(length=40), nullable=True),
    sa.Column('target_text', sa.String(length=200), nullable=True),
    sa.Column('unit_of_measure', sa.String(length=16), nullable=True),
    sa.Column('actual', sa.String(length=40), nullable=True),
    sa.Column('actual_text', sa.String(length=200), nullable=True),
    sa.Column('level', sa.String(length=32), nullable=True),
    sa.Column('applicable', sa.Boolean(), nullable=False),
    sa.Column('computed', sa.String(length=40), nullable=True),
    sa.Column('score', sa.String(length=40), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('analysis', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_evaluation_line_evaluation_id_evaluation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_line')),
    sa.UniqueConstraint('evaluation_id', 'item_key', name=op.f('uq_evaluation_line_evaluation_id'))
    )
    with op.batch_alter_table('evaluation_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_line_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('expert_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=32), nullable=False),
    sa.Column('score', sa.String(length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('entered_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_expert_score_evaluation_id_evaluation')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_expert_score_expert_id_expert')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_score')),
    sa.UniqueConstraint('evaluation_id', 'expert_id', 'item_key', name=op.f('uq_expert_score_evaluation_id'))
    )
    with op.batch_alter_table('expert_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_score_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('panel_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_panel_member_evaluation_id_evaluation')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_panel_member_expert_id_expert')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_member')),
    sa.UniqueConstraint('evaluation_id', 'expert_id', name=op.f('uq_panel_member_evaluation_id'))
    )
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_member_evaluation_id'), ['evaluation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_member_expert_id'), ['expert_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_member_expert_id'))
        batch_op.drop_index(batch_op.f('ix_panel_member_evaluation_id'))

    op.drop_table('panel_member')
    with op.batch_alter_table('expert_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_score_evaluation_id'))

    op.drop_table('expert_score')
    with op.batch_alter_table('evaluation_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_line_evaluation_id'))

    op.drop_table('evaluation_line')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_year'))
        batch_op.drop_index(batch_op.f('ix_evaluation_unit_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_status'))
        batch_op.drop_index(batch_op.f('ix_evaluation_project_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_kind'))

    op.drop_table('evaluation')
    op.drop_table('expert')
    op.drop_table('evaluation_template')
    op.drop_table('agency')
