"""enrollment: when a waitlisted learner got a seat, and whether they have seen it

Revision ID: b41f0c7d2e65
Revises: 9659d5e31da0
Create Date: 2026-11-29 15:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b41f0c7d2e65'
down_revision = '9659d5e31da0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('promoted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('promotion_seen_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_column('promotion_seen_at')
        batch_op.drop_column('promoted_at')
