"""Rehearse scale-out on one machine with Prefect's own tools, as the README's "Scale out" describes.

What it does, in order (each step is what an operator runs on the machines named in brackets):

1. creates two PostgreSQL databases: one for the Prefect server, one for thidua-workflow [database];
2. ``prefect server start`` on the first [server machine];
3. ``prefect work-pool create thidua-process --type process`` and ``prefect deploy --all --prefect-file
   deployments/prefect.yaml`` from the project's root [once];
4. two ``prefect worker start --pool thidua-process --limit 2`` processes, ``may-1`` and ``may-2``, each in
   its own process group as if on its own machine [worker machines];
5. a province-size bloc round of 100 nominations, driven through the services as people act, with
   ``THIDUA_DISPATCH=deployment`` [where people act]: five units submit (a flow run each,
   ``THIDUA_STAGE_BATCH=1``, so both workers take work), five more submit and ``may-1`` is killed with
   SIGKILL, flow runs and all; the sweep's redelivery (here: its clock moved past the 10 minutes) hands
   what was lost to ``may-2``; the bloc votes, appraisal, the council, the decisions and certificates follow;
6. checks: both workers ran flow runs; every nomination decided exactly once; one certificate each.

Usage: ``python deployments/scale_out.py [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
[--keep]``; exits 1 if a check fails. ``make test-slow`` runs it (tests/flows/test_scale_out_slow.py).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg
import yaml
from pydantic import SecretStr
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import round_100  # noqa: E402  the benchmark's province-size round: its organisation and files

from flows.dispatch import dispatcher, redeliver  # noqa: E402
from flows.inline import run_inline  # noqa: E402
from flows.local_server import QUIET, free_port, stop, wait_healthy  # noqa: E402
from thidua_workflow.clock import FixedClock  # noqa: E402
from thidua_workflow.db import models as m  # noqa: E402
from thidua_workflow.demo import COUNCIL, REPRESENTATIVES  # noqa: E402
from thidua_workflow.services import council, decisions, nominations, org, rounds, tasks  # noqa: E402
from thidua_workflow.services.context import Context, bootstrap  # noqa: E402
from thidua_workflow.services.stages import pending  # noqa: E402
from thidua_workflow.settings import Settings  # noqa: E402

POOL = "thidua-process"  # the work pool deployments/prefect.yaml names
WORKERS = ("may-1", "may-2")
Say = Callable[[str], None]


@dataclass
class Report:
    """What the rehearsal saw; ``problems`` is empty when every check passed."""

    flow_runs_per_worker: dict[str, int] = field(default_factory=dict)
    nominations: int = 0
    decided_once: int = 0
    certificates: int = 0
    problems: list[str] = field(default_factory=list)


def prefect(*args: str, env: dict[str, str]) -> None:
    """Prefect's own command line, from the project's root, as an operator runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}")


@contextmanager
def database(admin_url: str, name: str, keep: bool) -> Iterator[str]:
    """A new PostgreSQL database; yields its URL (without a driver) and drops it afterwards."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@contextmanager
def prefect_server(home: Path, database_url: str) -> Iterator[dict[str, str]]:
    """`prefect server start` on PostgreSQL; yields the environment its clients use."""
    port = free_port()
    env = {
        **os.environ,
        **QUIET,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
    }
    server_db = database_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    log = (home / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env={**env, "PREFECT_API_DATABASE_CONNECTION_URL": server_db, "PREFECT_SERVER_UI_ENABLED": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(env["PREFECT_API_URL"], process, timeout=240)
        yield env
    finally:
        stop(process)
        log.close()


def start_worker(name: str, env: dict[str, str], home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        # Two runs at a time, as on a 2-core machine: a burst is shared, not taken whole by whoever polls first.
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--name", name, "--limit", "2"],
        cwd=ROOT,
        env=env,
        stdout=(home / f"{name}.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killing it takes its flow runs too
    )


def ran_flows(log: Path) -> int:
    return log.read_text(errors="replace").lower().count("submitting flow run")


def settle(ctx: Context, clock: FixedClock, timeout: float = 300) -> None:
    """Wait until every wake-up is completed; what a dead worker lost is redelivered, as the sweep does."""
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    last = len(pending(ctx))
    while waiting := pending(ctx):
        if time.monotonic() > deadline:
            raise TimeoutError(f"stages still waiting: {[w.kind for w in waiting]}")
        if len(waiting) != last:
            last, quiet_since = len(waiting), time.monotonic()
        elif time.monotonic() - quiet_since > 20:
            clock.advance(timedelta(minutes=11))  # past the sweep's staleness: redeliver with a new key
            redeliver(ctx)
            quiet_since = time.monotonic()
        time.sleep(0.5)


def submit(ctx: Context, units: list[tuple[str, tuple[str, str]]]) -> None:
    for unit, (head, _sheet) in units:
        data, source = round_100._submission(unit, head)
        nominations.submit(ctx, head.replace(".chutich", ".canbo"), data, source)


def the_round(
    ctx: Context, clock: FixedClock, workers: dict[str, subprocess.Popen[bytes]], home: Path
) -> dict[str, int]:
    """People's side of the round; returns how many flow runs each worker had taken before one was lost."""
    units = list(REPRESENTATIVES.items())
    clock.set(date(2019, 12, 5))
    ctx.settings = ctx.settings.model_copy(update={"stage_batch": 1})
    submit(ctx, units[:5])
    settle(ctx, clock)
    shared = {name: ran_flows(home / f"{name}.log") for name in workers}
    ctx.settings = ctx.settings.model_copy(
        update={"stage_batch": Settings.model_fields["stage_batch"].default}
    )
    submit(ctx, units[5:])
    os.killpg(workers["may-1"].pid, signal.SIGKILL)  # a machine is lost with whatever it was running
    workers["may-1"].wait()
    settle(ctx, clock)

    round_id = rounds.find_round(ctx, "qb-khoi-hoi-dac-thu", "2019")
    rounds.open_voting(ctx, "nct.chutich", round_id)
    items = {n["id"]: n["unit"] for n in rounds.show_round(ctx, round_id).nominations}
    for unit, (head, sheet) in units:
        scores = yaml.safe_load(
            (round_100.EXAMPLE / "round-2019" / f"{sheet}.yaml").read_text(encoding="utf-8")
        )
        rounds.submit_scores(ctx, head, round_id, scores)
        rounds.cast_votes(
            ctx, head, round_id, approve={i for i, u in items.items() if u != unit}, reject=set()
        )
    rounds.close_round(
        ctx, "nct.chutich", round_id, next_chair="qb-lien-minh-htx", next_deputy="qb-hoi-chu-thap-do"
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
    return shared


def check(ctx: Context, report: Report) -> None:
    with ctx.reader() as uow:
        s = uow.session
        report.nominations = int(s.scalar(select(func.count()).select_from(m.Nomination)) or 0)
        decided = s.execute(
            select(m.AuditEvent.entity_id, func.count())
            .where(m.AuditEvent.entity_type == "nomination", m.AuditEvent.action == "decide")
            .group_by(m.AuditEvent.entity_id)
        ).all()
        certified = s.scalar(
            select(func.count()).select_from(m.Nomination).where(m.Nomination.status == "certified")
        )
        certificates = s.execute(
            select(m.Certificate.nomination_id, func.count()).group_by(m.Certificate.nomination_id)
        ).all()
    report.decided_once = sum(1 for _id, n in decided if n == 1)
    report.certificates = sum(n for _id, n in certificates)
    if not all(report.flow_runs_per_worker.values()):
        report.problems.append(f"a worker ran no flow run: {report.flow_runs_per_worker}")
    if not decided or report.decided_once != len(decided):
        report.problems.append("a nomination was decided more than once, or none was decided")
    if not (certified == len(decided) == len(certificates) == report.certificates):
        report.problems.append(
            f"certified {certified}, decided {len(decided)}, certificates {report.certificates} should agree"
        )


def rehearse(admin_url: str, workdir: Path, *, keep: bool = False, say: Say = print) -> Report:
    """Steps 1–6 of the module's docstring; everything started here is stopped before it returns."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    run = uuid.uuid4().hex[:8]
    home = workdir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    report = Report()
    with (
        database(admin_url, f"prefect_scale_{run}", keep) as prefect_db,
        database(admin_url, f"thidua_scale_{run}", keep) as thidua_db,
    ):
        thidua_url = thidua_db.replace("postgresql://", "postgresql+psycopg://", 1)
        clock = FixedClock(date(2019, 12, 2))
        ctx = bootstrap(
            Settings(
                data_dir=workdir / "data",
                database_url=thidua_url,
                verify_url_local=True,
                ballot_secret=SecretStr(secrets.token_hex(32)),  # the council's ballot secret, this run's
            ),
            clock=clock,
            dispatcher=run_inline,
        )
        try:
            org.load_organisation(ctx, round_100._org())
            say(f"1. databases {prefect_db.rsplit('/', 1)[1]} and {thidua_db.rsplit('/', 1)[1]}")
            with prefect_server(home, prefect_db) as env:
                say(f"2. Prefect server at {env['PREFECT_API_URL']} on PostgreSQL")
                prefect("work-pool", "create", POOL, "--type", "process", env=env)
                prefect(
                    "--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml", env=env
                )
                say(f"3. work pool {POOL}; deployments/prefect.yaml deployed")
                worker_env = {
                    **env,
                    "PREFECT_WORKER_QUERY_SECONDS": "1",
                    "PREFECT_LOGGING_LEVEL": "INFO",
                    "THIDUA_DATA_DIR": str(ctx.settings.data_dir),
                    "THIDUA_DATABASE_URL": thidua_url,
                    "THIDUA_DISPATCH": "inline",
                }
                workers = {name: start_worker(name, worker_env, home) for name in WORKERS}
                say(f"4. workers {', '.join(WORKERS)} polling {POOL}")
                try:
                    ctx.dispatcher = dispatcher("deployment")  # people's side: start flow runs, do not wait
                    ctx.settings = ctx.settings.model_copy(update={"dispatch": "deployment"})
                    with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
                        report.flow_runs_per_worker = the_round(ctx, clock, workers, home)
                    say(
                        f"5. the round is through; flow runs before may-1 was killed: {report.flow_runs_per_worker}"
                    )
                finally:
                    for process in workers.values():
                        if process.poll() is None:
                            process.send_signal(signal.SIGINT)
                            try:
                                process.wait(30)
                            except subprocess.TimeoutExpired:
                                os.killpg(process.pid, signal.SIGKILL)
            check(ctx, report)
        finally:
            ctx.close()
    say(
        f"6. {report.nominations} nominations; decided exactly once: {report.decided_once}; "
        f"certificates: {report.certificates}; " + ("; ".join(report.problems) or "every check passed")
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("THIDUA_SCALE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL URL allowed to create databases",
    )
    parser.add_argument("--keep", action="store_true", help="keep the two databases afterwards")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thidua-scale-") as tmp:
        report = rehearse(args.admin_url, Path(tmp), keep=args.keep)
    sys.exit(1 if report.problems else 0)


if __name__ == "__main__":
    main()
