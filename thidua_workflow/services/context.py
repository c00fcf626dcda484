"""What every service call needs, built once per entry point from the Settings and passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from thidua_workflow.clock import Clock
from thidua_workflow.db import models as m
from thidua_workflow.db.blobs import BlobStore
from thidua_workflow.db.engine import make_engine, make_session_factory, readonly_bind
from thidua_workflow.db.migrate import ensure_schema
from thidua_workflow.domain.calendar import WorkingCalendar
from thidua_workflow.domain.policy import Policy, bundled_policy, load_policy
from thidua_workflow.domain.rules import check_policy
from thidua_workflow.errors import ConfigurationError, ThiduaError
from thidua_workflow.services.dated import TODAY_KEY
from thidua_workflow.services.uow import UnitOfWork
from thidua_workflow.settings import Settings

Dispatcher = Callable[["Context", list[int]], None]
NAMES_KEY = "thidua_award_names"  # session.info: the award forms' names, for texts composed in a transaction


def award_name(session: Session, code: str) -> str:
    """An award form's name ("Cờ thi đua của Ủy ban nhân dân tỉnh") for e-mails and task subjects
    written deep in a transaction, where only the session is at hand; its code if the policy is unknown."""
    names = session.info.get(NAMES_KEY)
    return str(names().get(code, code)) if names is not None else code


@dataclass
class Context:
    """``dispatcher`` receives each committed transaction's wake-ups. The entry point hands it in: the
    services never choose how their stages run (``flows.inline`` runs them in this process,
    ``flows.dispatch`` as Prefect flow runs); None leaves the wake-ups pending for the sweep."""

    settings: Settings
    engine: Engine
    clock: Clock
    store: BlobStore
    dispatcher: Dispatcher | None = None
    _policy: Policy | None = None
    _factory: sessionmaker[Session] = field(init=False)
    _read_factory: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self._factory = make_session_factory(self.engine)
        self._read_factory = make_session_factory(readonly_bind(self.engine))

    def uow(self) -> UnitOfWork:
        """A unit of work that may write (SQLite takes the write lock at BEGIN)."""
        return UnitOfWork(
            self._factory, self._dispatch, {NAMES_KEY: self.award_names, TODAY_KEY: self.clock.today}
        )

    def award_names(self) -> dict[str, str]:
        """Every award form's name by its code, across the policy's periods (the latest name wins)."""
        try:
            periods = self.policy.periods
        except ThiduaError:
            return {}
        return {code: form.name for period in periods for code, form in period.award_forms.items()}

    def _dispatch(self, wakeup_ids: list[int]) -> None:
        if self.dispatcher is not None:
            self.dispatcher(self, wakeup_ids)

    def reader(self) -> UnitOfWork:
        """A unit of work for queries only."""
        return UnitOfWork(self._read_factory, info={NAMES_KEY: self.award_names, TODAY_KEY: self.clock.today})

    @property
    def policy(self) -> Policy:
        """The province's policy: THIDUA_POLICY_PATH, else the bundled one of the current province."""
        if self._policy is None:
            if self.settings.policy_path is not None:
                policy = load_policy(self.settings.policy_path)
            else:
                policy = bundled_policy(self._current_province())
            check_policy(policy)
            self._policy = policy
        return self._policy

    def use_policy(self, policy: Policy) -> None:
        check_policy(policy)
        self._policy = policy

    def forget_policy(self) -> None:
        """After the organisation changes province (a merger), read the policy again."""
        if self.settings.policy_path is None:
            self._policy = None

    @property
    def calendar(self) -> WorkingCalendar:
        extra = self.policy.working_calendar
        return WorkingCalendar(extra.get("days_off", []), extra.get("working_days", []))

    def _current_province(self) -> str:
        with self.reader() as uow:
            ids = uow.session.scalars(select(m.Province.id).where(m.Province.merged_into_id.is_(None))).all()
        if not ids:
            raise ConfigurationError("Chưa nạp tổ chức của tỉnh: chạy 'thidua org load FILE.yaml' trước.")
        if len(ids) > 1:
            raise ConfigurationError(
                f"Có nhiều tỉnh đang hoạt động ({', '.join(ids)}): đặt THIDUA_POLICY_PATH để chọn chính sách."
            )
        return ids[0]

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(
    settings: Settings,
    *,
    dispatcher: Dispatcher | None,
    clock: Clock | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
) -> Context:
    """Open the database (bringing its schema to head) and assemble the context for the services.

    ``dispatcher`` has no default, so that every entry point says how the stages after an action run
    (an entry point that forgot would otherwise leave them waiting for the sweep without a word).
    """
    engine = engine or make_engine(settings.effective_database_url, echo=settings.sql_echo)
    if migrate:
        ensure_schema(engine)
    return Context(
        settings=settings,
        engine=engine,
        clock=clock or settings.make_clock(),
        store=BlobStore(settings.blob_dir),
        dispatcher=dispatcher,
    )
