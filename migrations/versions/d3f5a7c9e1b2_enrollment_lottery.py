"""enrollment by lot: the term's draw day, each request's number in its draw, the draw itself

Revision ID: d3f5a7c9e1b2
Revises: c7a2d4e9f1b3
Create Date: 2026-11-29 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3f5a7c9e1b2'
down_revision = 'c7a2d4e9f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lottery_on', sa.Date(), nullable=True))
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw_rank', sa.Integer(), nullable=True))
    op.create_table('lottery_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.Column('sections', sa.Integer(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('seated', sa.Integer(), nullable=False),
    sa.Column('waitlisted', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['account.id'], name=op.f('fk_lottery_draw_drawn_by_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['term_id'], ['term.id'], name=op.f('fk_lottery_draw_term_id_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lottery_draw')),
    sa.UniqueConstraint('term_id', name=op.f('uq_lottery_draw_term_id'))
    )


def downgrade():
    op.drop_table('lottery_draw')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_column('draw_rank')
    with op.batch_alter_table('term', schema=None) as batch_op:
        batch_op.drop_column('lottery_on')
