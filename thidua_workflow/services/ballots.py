"""The council's sealed ballots: secret against anyone who reads the database.

A ballot is sealed (ChaCha20-Poly1305, authenticated) under a key of its session, derived (HKDF-SHA-256)
from the ballot secret — a setting kept away from the database (``THIDUA_BALLOT_SECRET``, a file named by
``THIDUA_BALLOT_SECRET_PATH`` outside the data directory, or a Prefect Secret Block) — and a random salt of
the session. The sealed row says nothing but its session: no person, no time, and the same length for every
choice (one byte per nomination put to the vote). Who voted is recorded apart
(``council_session_members``). Nothing is counted while the session is open: at the close the ballots
are opened in memory, counted into the tallies and deleted, and the space they took is reclaimed
(``reclaim``). See docs/security.md, "Ballots".
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Engine, delete, insert, select, text
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.db.sqlite_peek import sqlite_file
from thidua_workflow.domain.enums import Choice
from thidua_workflow.errors import Conflict, NotConfigured
from thidua_workflow.settings import Settings

log = logging.getLogger(__name__)

SECRET_MIN_CHARS = 32
NONCE_BYTES = 12
SALT_BYTES = 16
TAG_BYTES = 16
_INFO = b"thidua-workflow council ballot v1"
_CODES = {Choice.YES: b"y", Choice.NO: b"n", Choice.ABSTAIN: b"a"}
_NOT_VOTING = b"-"  # a nomination the member may not vote on (their own unit: conflict of interest)
_CHOICES = {code[0]: choice for choice, code in _CODES.items()}
_INSERT = insert(m.SealedBallot)
HOW_TO_SET = (
    "đặt THIDUA_BALLOT_SECRET (ít nhất 32 ký tự, ví dụ: python3 -c 'import secrets; "
    "print(secrets.token_hex(32))'), hoặc THIDUA_BALLOT_SECRET_PATH trỏ tới tệp chứa khóa nằm ngoài thư mục "
    "dữ liệu, hoặc THIDUA_BALLOT_SECRET_BLOCK (Block Secret của Prefect) — xem docs/security.md"
)


class BallotSecretMissing(NotConfigured):
    """No usable ballot secret on this machine: no session opens, no ballot is sealed or opened."""


def ballot_secret(settings: Settings) -> bytes:
    """The ballot secret from the settings; refused when absent, short, or kept beside the database."""
    if settings.ballot_secret is not None:
        value = settings.ballot_secret.get_secret_value().strip()
    elif settings.ballot_secret_path is not None:
        path = settings.ballot_secret_path.expanduser().resolve()
        near = _database_folders(settings)
        if any(path.is_relative_to(folder) for folder in near):
            raise BallotSecretMissing(
                f"Khóa phiếu kín {path} nằm cùng thư mục với cơ sở dữ liệu ({', '.join(map(str, near))}): "
                "ai chép được cơ sở dữ liệu sẽ chép được cả khóa. Để tệp khóa ở thư mục khác."
            )
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BallotSecretMissing(f"Không đọc được tệp khóa phiếu kín {path}: {exc.strerror}.") from exc
    else:
        raise BallotSecretMissing(f"Chưa có khóa bí mật để niêm phong phiếu kín của Hội đồng: {HOW_TO_SET}.")
    if len(value) < SECRET_MIN_CHARS:
        raise BallotSecretMissing(
            f"Khóa phiếu kín quá ngắn ({len(value)} ký tự, cần từ {SECRET_MIN_CHARS}): {HOW_TO_SET}."
        )
    return value.encode("utf-8")


def _database_folders(settings: Settings) -> list[Path]:
    folders = [settings.data_dir.expanduser().resolve()]
    database = sqlite_file(settings.effective_database_url)
    if database is not None:
        folders.append(database.expanduser().resolve().parent)
    return folders


@dataclass(frozen=True)
class SessionKey:
    """A session's key and a check value that tells the same key again without revealing it."""

    key: bytes
    check: str

    @staticmethod
    def derive(secret: bytes, salt: bytes) -> SessionKey:
        material = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=_INFO).derive(secret)
        return SessionKey(key=material[:32], check=material[32:].hex())


def new_session_key(settings: Settings) -> tuple[str, SessionKey]:
    """A fresh salt (hex, stored with the session) and the key it gives with this machine's secret."""
    salt = os.urandom(SALT_BYTES)
    return salt.hex(), SessionKey.derive(ballot_secret(settings), salt)


def session_key(settings: Settings, council: m.CouncilSession) -> SessionKey:
    """The session's key, if this machine's secret is the one the session was opened with."""
    if council.ballot_salt is None or council.ballot_check is None:
        raise Conflict(
            f"Phiên họp số {council.id} được mở trước khi phiếu kín được niêm phong (bản cũ): kết thúc phiên "
            "và mở phiên mới để bỏ phiếu."
        )
    key = SessionKey.derive(ballot_secret(settings), bytes.fromhex(council.ballot_salt))
    if not hmac.compare_digest(key.check, council.ballot_check):
        raise BallotSecretMissing(
            f"Khóa phiếu kín của máy này khác khóa dùng khi mở phiên họp số {council.id}: phiếu niêm phong "
            "bằng khóa này sẽ không mở được khi kết thúc phiên. Đặt lại đúng THIDUA_BALLOT_SECRET "
            "(hoặc tệp, Block) như lúc mở phiên. Không có gì thay đổi."
        )
    return key


def _aad(session_id: int) -> bytes:
    return _INFO + b" session " + str(session_id).encode()


def seal(key: SessionKey, session_id: int, items: Sequence[int], choices: Mapping[int, Choice]) -> bytes:
    """One byte per nomination put to the vote, in ``items`` order: every ballot of a session has the same
    length whatever it says. A fresh random nonce each time: two equal ballots look unrelated."""
    plaintext = b"".join(_CODES[choices[i]] if i in choices else _NOT_VOTING for i in items)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + ChaCha20Poly1305(key.key).encrypt(nonce, plaintext, _aad(session_id))


def unseal(key: SessionKey, session_id: int, items: Sequence[int], sealed: bytes) -> dict[int, Choice]:
    """The choices of one sealed ballot (the nominations it does not vote on left out)."""
    try:
        plaintext = ChaCha20Poly1305(key.key).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _aad(session_id)
        )
    except InvalidTag as exc:
        raise Conflict(
            f"Một phiếu kín của phiên họp số {session_id} không mở được (bị sửa hoặc không thuộc phiên này). "
            "Không có gì thay đổi."
        ) from exc
    if len(plaintext) != len(items):
        raise Conflict(f"Một phiếu kín của phiên họp số {session_id} không khớp danh sách bỏ phiếu.")
    return {i: _CHOICES[code] for i, code in zip(items, plaintext, strict=True) if code in _CHOICES}


def store(session: Session, session_id: int, sealed: bytes) -> None:
    """The sealed ballot, as a row that names only its session (a plain INSERT: nothing else flushed)."""
    session.connection().execute(_INSERT, {"session_id": session_id, "sealed": sealed})


def count_and_discard(
    session: Session, key: SessionKey, session_id: int, items: Sequence[int], voted: int
) -> dict[int, Counter[str]]:
    """Open every sealed ballot of the session in memory, count them, and delete them (SQLite overwrites
    the deleted bytes: ``secure_delete``). There must be exactly one per member who voted."""
    sealed = list(
        session.scalars(select(m.SealedBallot.sealed).where(m.SealedBallot.session_id == session_id))
    )
    if len(sealed) != voted:
        raise Conflict(
            f"Phiên họp số {session_id} có {len(sealed)} phiếu kín nhưng {voted} thành viên đã bỏ phiếu: "
            "không kiểm phiếu. Không có gì thay đổi."
        )
    counts: dict[int, Counter[str]] = {i: Counter() for i in items}
    for ballot in sealed:
        for nomination_id, choice in unseal(key, session_id, items, ballot).items():
            counts[nomination_id][choice.value] += 1
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    connection.execute(delete(m.SealedBallot).where(m.SealedBallot.session_id == session_id))
    return counts


# A transaction that began before the ballots were deleted may still see them, and VACUUM keeps what it
# may see: wait (a little) for those to end. Sessions of other roles show no start time to an unprivileged
# role: then VACUUM keeps what they may still see, and the next close's VACUUM takes it.
_OLDER = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend' AND backend_xmin IS NOT NULL AND xact_start < :since"
)
WAIT_FOR_READERS_SECONDS = 10.0


def _wait_for_older_transactions(conn: Connection) -> None:
    since = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
    deadline = time.monotonic() + WAIT_FOR_READERS_SECONDS
    while conn.execute(_OLDER, {"since": since}).scalar_one() and time.monotonic() < deadline:
        time.sleep(0.05)


def reclaim(engine: Engine) -> None:
    """After the count has committed: give back the space the deleted ballots took, so that no copy of
    them stays in the files — SQLite's WAL checkpointed and truncated; on PostgreSQL the table rewritten
    (VACUUM FULL, which cannot run in a transaction; the table is small and only a session's voting
    touches it). Run by the session stage (``council.apply_result``), after the close, not in the
    secretary's request. Best effort: a failure is logged, the count stands."""
    table = m.SealedBallot.__tablename__
    try:
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                cursor.close()
            finally:
                raw.close()
            if busy:
                log.warning("the WAL could not be truncated after the count (readers busy); it will be later")
        elif engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                _wait_for_older_transactions(conn)
                conn.exec_driver_sql(f"VACUUM FULL {table}")
    except Exception:
        log.exception("reclaiming the space of the counted ballots failed")
