"""Messages for people, written in English, that the portal can still show translated.

The domain may not use Flask-Babel (it runs without an app), so a message keeps its msgid and
values: its text is the English sentence, and a page asks Babel for the translation of the msgid.
`_` here is the marker `pybabel extract` looks for.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """English text that remembers the msgid and values it was made from."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Message:
        message = super().__new__(cls, msgid % values if values else msgid)
        message.msgid = msgid
        message.values = values
        return message


def _(msgid: str, **values: Any) -> Message:
    """A translatable message: `_("Enter at most %(max)d characters.", max=500)`."""
    return Message(msgid, **values)
