"""A local SMTP server for `make run`: keeps every mail as an .eml file and says where.

    python -m portal.mail_catcher [--host 127.0.0.1] [--port 1025] DIRECTORY

Nothing is sent on; open the files with any mail program or read them as text.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class MailFolder:
    """aiosmtpd handler: each message becomes <directory>/<time>-<n>.eml."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self.numbers)}.eml"
        path.write_bytes(envelope.content)
        subject = message_from_bytes(envelope.content, policy=policy.default)["Subject"]
        print(f"Mail to {', '.join(envelope.rcpt_tos)}: {subject}\n  -> {path}", flush=True)
        return "250 Message accepted"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    args = parser.parse_args(argv)
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # the server's thread inherits it
    controller = Controller(MailFolder(args.directory.resolve()), hostname=args.host,
                            port=args.port)
    controller.start()
    print(f"Catching mail on {args.host}:{args.port}; stored in {args.directory.resolve()}",
          flush=True)
    try:
        signal.sigwait(stop_signals)
    finally:
        controller.stop()

if __name__ == "__main__":
    main()
