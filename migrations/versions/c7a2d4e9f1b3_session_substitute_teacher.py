"""session_change: a session taught by a substitute teacher names that teacher

Revision ID: c7a2d4e9f1b3
Revises: b41f0c7d2e65
Create Date: 2026-11-29 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7a2d4e9f1b3'
down_revision = 'b41f0c7d2e65'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('session_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_teacher_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_session_change_new_teacher_id'), ['new_teacher_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_session_change_new_teacher_id_teacher'), 'teacher',
                                    ['new_teacher_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(batch_op.f('ck_session_change_substitute_named'),
                                         "action != 'substituted' OR new_teacher_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('session_change', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_session_change_substitute_named'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_session_change_new_teacher_id_teacher'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_session_change_new_teacher_id'))
        batch_op.drop_column('new_teacher_id')
