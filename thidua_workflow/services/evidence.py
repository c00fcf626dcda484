"""Reading and checking evidence files, and storing them so that a failed transaction leaves no orphan."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.db.blobs import BlobStore, sha256_hex, sniff_media_type
from thidua_workflow.domain.schemas import DocumentIn
from thidua_workflow.errors import Problem


class EvidenceSource(Protocol):
    """Where the files a submission names come from: a folder (CLI) or uploaded parts (web)."""

    def read(self, name: str) -> bytes: ...

    def describe(self, name: str) -> str: ...


class DirectorySource:
    def __init__(self, base: Path) -> None:
        self.base = base

    def read(self, name: str) -> bytes:
        return (self.base / name).read_bytes()

    def describe(self, name: str) -> str:
        return str(self.base / name)


def nfc(name: str) -> str:
    """A file name composed (NFC): a Mac sends "Biên bản" decomposed, the list and the pages compose it."""
    return unicodedata.normalize("NFC", name)


class MappingSource:
    """Uploaded files by name; a name is found however its Vietnamese letters were composed."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = {nfc(name): data for name, data in files.items()}

    def read(self, name: str) -> bytes:
        try:
            return self.files[nfc(name)]
        except KeyError:
            raise FileNotFoundError(name) from None

    def describe(self, name: str) -> str:
        return name


@dataclass(frozen=True)
class Evidence:
    """A document whose bytes were read and checked, ready to store."""

    spec: DocumentIn
    data: bytes
    sha256: str
    media_type: str

    @property
    def file_name(self) -> str:
        return nfc(Path(self.spec.file).name)


def read_evidence(
    source: EvidenceSource,
    spec: DocumentIn,
    *,
    max_bytes: int,
    field: str,
    entry: int | None = None,
    nominee: str | None = None,
) -> tuple[Evidence | None, Problem | None]:
    """Read one file and check it is a non-empty PDF or image within the size limit."""

    def problem(message: str) -> tuple[None, Problem]:
        return None, Problem(message, field=field, entry=entry, nominee=nominee, rule="tep_minh_chung")

    try:
        data = source.read(spec.file)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return problem(f"không đọc được tệp '{source.describe(spec.file)}'")
    if not data:
        return problem(f"tệp '{spec.file}' rỗng")
    if len(data) > max_bytes:
        return problem(f"tệp '{spec.file}' {len(data):,} byte, vượt giới hạn {max_bytes:,} byte")
    media_type = sniff_media_type(data[:16])
    if media_type is None:
        return problem(f"tệp '{spec.file}' không phải PDF hay ảnh (PNG, JPEG, TIFF, WEBP) theo nội dung")
    return Evidence(spec, data, sha256_hex(data), media_type), None


@contextmanager
def stored(store: BlobStore, session_for_check: Session, items: Iterable[Evidence]) -> Iterator[None]:
    """Write the blobs; if the block fails, remove those this call created and nothing references."""
    created: list[str] = []
    try:
        for item in items:
            _digest, new = store.put(item.data)
            if new:
                created.append(item.sha256)
        yield
    except BaseException:
        if created:
            # Undo this transaction's rows first, so that only other, committed work can still refer
            # to a blob this call created.
            session_for_check.rollback()
            for digest in created:
                if not _referenced(session_for_check, digest):
                    store.remove(digest)
        raise


def _referenced(session: Session, digest: str) -> bool:
    try:
        return session.scalar(select(m.Document.id).where(m.Document.sha256 == digest).limit(1)) is not None
    except Exception:
        # Cannot tell (the database is gone): keep the file; an unreferenced blob is harmless.
        return True
