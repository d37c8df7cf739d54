"""account: a children's group organiser's group

Revision ID: f5c7e9a1b3d5
Revises: e4b6c8d0f2a4
Create Date: 2026-11-29 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5c7e9a1b3d5'
down_revision = 'e4b6c8d0f2a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('children_group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_account_children_group_id'), ['children_group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_account_children_group_id_children_group'), 'children_group',
                                    ['children_group_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_account_children_group_id_children_group'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_account_children_group_id'))
        batch_op.drop_column('children_group_id')
