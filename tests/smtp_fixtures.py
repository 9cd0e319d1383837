"""A real SMTP server for tests (aiosmtpd) on 127.0.0.1 and a free port, started on demand, so a
test can also show what happens while it is down."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """Keeps every accepted message; refuses recipients listed in `refuse` with 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        self.arrived = threading.Condition()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)


class SmtpServer:
    """Not running until `start()`; its port is reserved from the beginning."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    yield server
    server.stop()
