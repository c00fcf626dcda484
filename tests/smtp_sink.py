"""A tiny SMTP server on 127.0.0.1 that keeps what it receives: the mail tests' inbox."""

from __future__ import annotations

import email
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)

    def subjects(self) -> list[str]:
        return [str(make_header(decode_header(m["Subject"] or ""))) for m in self.messages]

    def recipients(self) -> list[str]:
        return [m["To"] or "" for m in self.messages]

    def bodies(self) -> list[str]:
        texts = []
        for message in self.messages:
            part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
            payload = part.get_payload(decode=True)
            charset = part.get_content_charset() or "utf-8"
            texts.append(payload.decode(charset) if isinstance(payload, bytes) else str(payload))
        return texts


class _Handler(socketserver.StreamRequestHandler):
    inbox: Inbox

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 sink ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 end with .")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.inbox.messages.append(email.message_from_bytes(b"".join(lines)))  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    inbox: Inbox


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Inbox]]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.inbox = Inbox()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.inbox
    finally:
        server.shutdown()
        server.server_close()
