"""Reply templates: a department's ready answers that its staff insert into a comment."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .departments import Department


class ReplyTemplate(Base):
    """A titled text with placeholders ({name}, {ref}) that the department's owners keep."""

    __tablename__ = "reply_template"
    __table_args__ = (UniqueConstraint("department_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"),
                                               index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship()

    def __repr__(self) -> str:
        return f"<ReplyTemplate {self.id} {self.title!r}>"
