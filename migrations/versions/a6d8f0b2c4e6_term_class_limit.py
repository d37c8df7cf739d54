"""term: the most classes one learner may have in it

Revision ID: a6d8f0b2c4e6
Revises: f5c7e9a1b3d5
Create Date: 2026-11-29 18:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6d8f0b2c4e6'
down_revision = 'f5c7e9a1b3d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_classes_per_learner', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_term_max_classes_positive'),
                                         'max_classes_per_learner IS NULL OR max_classes_per_learner >= 1')


def downgrade():
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_term_max_classes_positive'), type_='check')
        batch_op.drop_column('max_classes_per_learner')
