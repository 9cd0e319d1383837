"""Free text people type (comments, notes, answers): cleaned and checked the same way everywhere."""

from __future__ import annotations

from .errors import ValidationError
from .messages import _


def clean_text(value: object, field: str, *, required: bool = False, limit: int = 10_000) -> str:
    """Text without NUL bytes and with plain newlines; a message at the field if unusable."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(_("Please correct the marked fields."), {field: _("Enter text.")})
    text = (value or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError(_("Please write something first."),
                              {field: _("Please write something first.")})
    if len(text) > limit:
        message = _("Enter at most %(max)d characters (this is %(length)d).", max=limit,
                    length=len(text))
        raise ValidationError(message, {field: message})
    return text
