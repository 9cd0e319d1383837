"""Files sent with a request form, stored on disk under a generated name."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .requests import ServiceRequest


class Attachment(Base):
    """A file answering one field of a request form; the bytes live in the uploads folder."""

    __tablename__ = "request_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_request.id", ondelete="CASCADE"), index=True
    )
    field_name: Mapped[str] = mapped_column(String(50))
    # The sender's file name, for display and download only; never part of a path.
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ServiceRequest] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename!r}>"
