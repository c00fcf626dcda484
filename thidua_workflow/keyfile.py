"""Secrets a single machine may make up for itself: created once, readable only by their owner."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path


def local_secret(path: Path) -> str:
    """The hex secret in ``path``, written there (mode 0600) on first use; concurrent first uses agree.

    The key is written whole to a temporary file and then linked into place, which fails if another
    process got there first: nobody ever reads a half-written key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w") as handle:  # mkstemp creates it 0600
                handle.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text().strip()
