"""children search indexes: the ID's last four, a hardship bit mask, a covering list index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:35:17.475295

"""
from alembic import op
import sqlalchemy as sa

import sponsorship.models.types


#: Hardship categories in their enum order, frozen here as this revision knew them.
HARDSHIPS = [
    "orphan", "unsupported", "single_mother", "disabled",
    "seriously_ill", "left_behind", "low_income", "other",
]

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_tail', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('hardship_mask', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_children_awaiting_since'), ['awaiting_since'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_birth_date'), ['birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_id_tail'), ['id_tail'], unique=False)
        batch_op.create_index('ix_children_list', ['region_id', 'status', 'school_stage', 'aid_type', 'awaiting_since', 'name', 'birth_date', 'grade', 'hardship_mask', 'id'], unique=False)

    # Children registered before this revision: the ID's last four characters, for search, and
    # the hardship bits (the order of sponsorship.models.enums.Hardship) from child_hardships.
    op.execute("UPDATE children SET id_tail = substr(id_number, 15, 4) WHERE id_number IS NOT NULL")
    bits = " ".join(f"WHEN '{category}' THEN {1 << i}" for i, category in enumerate(HARDSHIPS))
    op.execute(
        "UPDATE children SET hardship_mask = (SELECT COALESCE(SUM(CASE category "
        f"{bits} ELSE 0 END), 0) FROM child_hardships WHERE child_id = children.id)"
    )


def downgrade():
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index('ix_children_list')
        batch_op.drop_index(batch_op.f('ix_children_id_tail'))
        batch_op.drop_index(batch_op.f('ix_children_birth_date'))
        batch_op.drop_index(batch_op.f('ix_children_awaiting_since'))
        batch_op.drop_column('hardship_mask')
        batch_op.drop_column('id_tail')

