"""attendance: who came to each dated session

Revision ID: e4b6c8d0f2a4
Revises: d3f5a7c9e1b2
Create Date: 2026-11-29 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b6c8d0f2a4'
down_revision = 'd3f5a7c9e1b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('meeting', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('presence', sa.Enum('present', 'absent', 'excused', name='presence', native_enum=False, length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('meeting >= 0', name=op.f('ck_attendance_meeting_nonnegative')),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], name=op.f('fk_attendance_learner_id_learner'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['account.id'], name=op.f('fk_attendance_recorded_by_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_attendance_section_id_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('section_id', 'meeting', 'on_date', 'learner_id', name=op.f('uq_attendance_section_id_meeting_on_date_learner_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_section_id'), ['section_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_section_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_learner_id'))
    op.drop_table('attendance')
