"""Scale out on Prefect's own tools (make test-slow): a Prefect server on PostgreSQL, `prefect deploy`, two
`prefect worker` processes as on two machines; a round of 100 nominations runs through them, one worker is
killed (SIGKILL, with its flow runs) in the middle, and every nomination is still decided exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func, select

from flows.dispatch import dispatcher, redeliver
from flows.local_server import QUIET, free_port, stop, wait_healthy
from tests.conftest import PG_URL, ROOT, read_yaml
from tests.flows.prefect_cli import POOL, prefect
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.demo import COUNCIL, REPRESENTATIVES
from thidua_workflow.services import council, decisions, nominations, org, rounds, tasks
from thidua_workflow.services.context import Context
from thidua_workflow.services.stages import pending

sys.path.insert(0, str(ROOT / "bench"))
import round_100  # the benchmark's province-size round: its organisation and files

pytestmark = pytest.mark.slow
ADMIN = PG_URL.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def server_on_postgres(home: Path) -> Iterator[dict[str, str]]:
    """`prefect server start` with its own database on the PostgreSQL server; yields the clients' env."""
    database = f"prefect_scale_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"'.encode())
    server_url = ADMIN.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0] + f"/{database}"
    port = free_port()
    env = {
        **os.environ,
        **QUIET,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
    }
    log = (home / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env={**env, "PREFECT_API_DATABASE_CONNECTION_URL": server_url, "PREFECT_SERVER_UI_ENABLED": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(env["PREFECT_API_URL"], process, timeout=240)
        yield env
    finally:
        stop(process)
        log.close()
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'.encode())


def start_worker(name: str, env: dict[str, str], home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--name", name],
        cwd=ROOT,
        env=env,
        stdout=(home / f"{name}.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killing it takes its flow runs too
    )


def settle(ctx: Context, clock: FixedClock, timeout: float = 240) -> None:
    """Wait until every wake-up is completed; what a dead worker lost is redelivered, as the sweep does."""
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    last = len(pending(ctx))
    while pending(ctx):
        assert time.monotonic() < deadline, f"stages still waiting: {[w.kind for w in pending(ctx)]}"
        now = len(pending(ctx))
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since > 20:
            clock.advance(timedelta(minutes=11))  # past the sweep's staleness: redeliver with a new key
            redeliver(ctx)
            quiet_since = time.monotonic()
        time.sleep(0.5)


def ran_flows(log: Path) -> int:
    return log.read_text(errors="replace").lower().count("submitting flow run")


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_two_workers_share_a_round_and_losing_one_loses_nothing(
    ctx: Context, clock: FixedClock, database_url: str, tmp_path: Path
) -> None:
    home = tmp_path / "prefect"
    home.mkdir()
    org.load_organisation(ctx, round_100._org())
    units = list(REPRESENTATIVES.items())
    with server_on_postgres(home) as env:
        prefect("work-pool", "create", POOL, "--type", "process", env=env)
        prefect("--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml", env=env)
        worker_env = {
            **env,
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "THIDUA_DATA_DIR": str(ctx.settings.data_dir),
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_DISPATCH": "inline",
        }
        workers = {name: start_worker(name, worker_env, home) for name in ("may-1", "may-2")}
        try:
            ctx.dispatcher = dispatcher("deployment")  # the people's side: start flow runs, do not wait
            ctx.settings = ctx.settings.model_copy(update={"dispatch": "deployment"})
            with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
                clock.set(date(2019, 12, 5))
                for unit, (head, _sheet) in units[:5]:
                    data, source = round_100._submission(unit, head)
                    nominations.submit(ctx, head.replace(".chutich", ".canbo"), data, source)
                settle(ctx, clock)
                shared = {name: ran_flows(home / f"{name}.log") for name in workers}
                for unit, (head, _sheet) in units[5:]:
                    data, source = round_100._submission(unit, head)
                    nominations.submit(ctx, head.replace(".chutich", ".canbo"), data, source)
                # A machine is lost with whatever it was running.
                os.killpg(workers["may-1"].pid, signal.SIGKILL)
                workers["may-1"].wait()
                settle(ctx, clock)

                round_id = rounds.find_round(ctx, "qb-khoi-hoi-dac-thu", "2019")
                rounds.open_voting(ctx, "nct.chutich", round_id)
                items = {n["id"]: n["unit"] for n in rounds.show_round(ctx, round_id).nominations}
                assert len(items) == 100
                for unit, (head, sheet) in units:
                    scores = read_yaml(round_100.EXAMPLE / "round-2019" / f"{sheet}.yaml")
                    rounds.submit_scores(ctx, head, round_id, scores)
                    approve = {i for i, u in items.items() if u != unit}
                    rounds.cast_votes(ctx, head, round_id, approve=approve, reject=set())
                rounds.close_round(
                    ctx,
                    "nct.chutich",
                    round_id,
                    next_chair="qb-lien-minh-htx",
                    next_deputy="qb-hoi-chu-thap-do",
                )
                settle(ctx, clock)
                clock.set(date(2020, 1, 8))
                for view in tasks.list_tasks(ctx, "cv.tdkt1"):
                    if view.kind == "appraise":
                        tasks.act(ctx, "cv.tdkt1", view.id, "pass")
                clock.set(date(2020, 1, 15))
                session_id = council.open_session(ctx, "tb.tdkt").id
                council.record_attendance(ctx, "tb.tdkt", session_id, COUNCIL)
                council.close_session(ctx, "tb.tdkt", session_id)
                settle(ctx, clock)
                clock.set(date(2020, 1, 20))
                for number, draft in enumerate(decisions.list_decisions(ctx), start=100):
                    decisions.sign(ctx, "pct.ubnd", draft.id)
                    decisions.register(ctx, "vt.ubnd", draft.id, number)
                settle(ctx, clock)
        finally:
            for process in workers.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
                    try:
                        process.wait(30)
                    except subprocess.TimeoutExpired:
                        os.killpg(process.pid, signal.SIGKILL)

    assert all(count > 0 for count in shared.values()), f"both workers ran flows: {shared}"
    with ctx.reader() as uow:
        s = uow.session
        decided = dict(
            s.execute(
                select(m.AuditEvent.entity_id, func.count())
                .where(m.AuditEvent.entity_type == "nomination", m.AuditEvent.action == "decide")
                .group_by(m.AuditEvent.entity_id)
            )
            .tuples()
            .all()
        )
        certified = s.scalar(
            select(func.count()).select_from(m.Nomination).where(m.Nomination.status == "certified")
        )
        certificates = dict(
            s.execute(select(m.Certificate.nomination_id, func.count()).group_by(m.Certificate.nomination_id))
            .tuples()
            .all()
        )
    assert decided and set(decided.values()) == {1}, "each nomination decided exactly once"
    assert certified == len(decided) == len(certificates)
    assert set(certificates.values()) == {1}, "each awardee has exactly one certificate"
