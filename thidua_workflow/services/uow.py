"""One unit of work per use case: ``with ctx.uow() as uow: …; uow.commit()`` — or nothing happens.

Database errors are turned into the project's errors here, so that every front sees the same ones:
a concurrent update is a Conflict, a lost connection is DatabaseUnavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self

from sqlalchemy import CursorResult, Executable
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from thidua_workflow.domain.authz import forget_reliance
from thidua_workflow.errors import Conflict, DatabaseUnavailable, InputRejected, StaleVersion, ThiduaError

PENDING_KEY = "thidua_wakeups"  # session.info key where the outbox lists the wake-ups it wrote


AfterCommit = Callable[[list[int]], None]


class UnitOfWork:
    """``after_commit`` receives the wake-ups the transaction wrote, once its session is closed."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        after_commit: AfterCommit | None = None,
        info: Mapping[str, Any] | None = None,
    ) -> None:
        self._factory = factory
        self._after_commit = after_commit
        self._info = dict(info or {})  # put in session.info: what code deep in the transaction may read
        self._session: Session | None = None
        self._woken: list[int] = []
        self.committed = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> Self:
        self._session = self._factory()
        self._session.info.update(self._info)
        self.committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        session = self.session
        try:
            if not self.committed:
                session.rollback()
        finally:
            session.close()
            self._session = None
            if self.committed or exc is not None:
                forget_reliance()  # the act is over: its reliance on a delegation ends with it
        if exc is not None and not isinstance(exc, ThiduaError):
            translated = translate(exc)
            if translated is not None:
                raise translated from exc
        if exc is None and self.committed and self._woken and self._after_commit is not None:
            woken, self._woken = self._woken, []
            self._after_commit(woken)
        return None

    def flush(self) -> None:
        try:
            self.session.flush()
        except Exception as exc:
            translated = translate(exc)
            if translated is not None:
                raise translated from exc
            raise

    def commit(self) -> None:
        woken = list(self.session.info.pop(PENDING_KEY, []))
        try:
            self.session.commit()
        except Exception as exc:
            translated = translate(exc)
            if translated is not None:
                raise translated from exc
            raise
        self._woken.extend(woken)
        self.committed = True


def read_columns(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[Any]:
    """Run a SELECT of plain columns (values, not entities) on the session's connection, in its transaction.

    What ``session.execute`` adds is for loading entities; for values it costs about as much as the query
    itself, which matters on the paths every action takes. Pending changes are flushed first, as
    ``session.execute`` would do (autoflush), so the read sees the transaction's own writes.
    """
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


def translate(exc: BaseException) -> ThiduaError | None:
    """The project's error for a database exception, or None to let it through unchanged."""
    if isinstance(exc, StaleDataError):
        return StaleVersion(
            "Hồ sơ vừa được người khác cập nhật; không có gì thay đổi. Hãy tải lại và thử lại."
        )
    if isinstance(exc, IntegrityError):
        return Conflict(
            f"Dữ liệu trùng hoặc xung đột với bản ghi đã có; không có gì thay đổi. ({_short(exc)})"
        )
    if isinstance(exc, DataError):
        return InputRejected(
            f"Giá trị nằm ngoài phạm vi cơ sở dữ liệu nhận; không có gì thay đổi. ({_short(exc)})"
        )
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return Conflict("Cơ sở dữ liệu đang bận với thao tác khác; không có gì thay đổi. Hãy thử lại.")
    if isinstance(exc, DBAPIError) and (exc.connection_invalidated or isinstance(exc, OperationalError)):
        return DatabaseUnavailable(
            "Mất kết nối cơ sở dữ liệu; thao tác chưa được lưu. Hãy thử lại khi kết nối được khôi phục."
        )
    return None


def _short(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0][:200]
