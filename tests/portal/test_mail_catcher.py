"""The mail catcher of `make run`: every mail the worker sends lands as an .eml file."""

from __future__ import annotations

import signal
import smtplib
import subprocess
import sys
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from tests.smtp_fixtures import free_port

pytestmark = pytest.mark.slow


def test_mails_are_kept_as_eml_files_and_sigterm_stops_it(tmp_path):
    port = free_port()
    catcher = subprocess.Popen(
        [sys.executable, "-m", "portal.mail_catcher", "--port", str(port), str(tmp_path / "mail")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert "Catching mail on" in catcher.stdout.readline()
        message = EmailMessage()
        message["From"], message["To"] = "portal@example.com", "emma@example.com"
        message["Subject"] = "[IT-2026-00001] We received your request"
        message.set_content("Hello Emma")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)

        told = catcher.stdout.readline() + catcher.stdout.readline()
        files = list((tmp_path / "mail").glob("*.eml"))
        assert len(files) == 1 and str(files[0]) in told and "emma@example.com" in told
        kept = message_from_bytes(files[0].read_bytes(), policy=policy.default)
        assert kept["Subject"] == "[IT-2026-00001] We received your request"
        assert kept.get_content().strip() == "Hello Emma"
    finally:
        catcher.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert catcher.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
        catcher.stdout.close()
