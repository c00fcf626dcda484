"""Human-task completions per second through the real service call, against a raw floor in the same run.

Each completion is an appraiser passing a dossier with ``tasks.act``: authorization, the task row, the
eligibility re-check, the nomination's transition, the audit event, version checks — one transaction.
The raw floor is one ``UPDATE … SET version = version + 1 WHERE id = ? AND version = ?`` plus one audit
INSERT per transaction through SQLAlchemy Core, on the same database. Both run with 1 and with 8
concurrent actors (threads, each with its own tasks), on SQLite and on PostgreSQL. Target: ≥ 0.3× the
floor.

Usage: ``python bench/tasks.py [--n 400] [--skip-pg]`` (``--n``: completions per configuration).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from inbox import TODAY, fill  # the province-size fixture of bench/inbox.py
from sqlalchemy import Engine, insert, select, text, update

from flows.inline import run_inline
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.db.engine import make_engine
from thidua_workflow.db.migrate import upgrade
from thidua_workflow.services import tasks
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.settings import Settings

ACTORS = ("cv.tdkt1", "cv.tdkt2")  # the appraisers of the organisation; threads share them
# Completions before timing, on tasks of their own: the process's first one loads the policy, imports the
# holiday calendar and compiles the statements — one-time costs that would otherwise weigh on a few
# hundred timed completions as if every completion paid a share of them.
WARMUP = 5


def run_threads(work: list[list[int]], one: Callable[[int, int], None]) -> float:
    """Run each worker's items in its own thread; the wall time of the whole."""
    barrier = threading.Barrier(len(work) + 1)
    errors: list[BaseException] = []

    def worker(index: int, items: list[int]) -> None:
        barrier.wait()
        try:
            for item in items:
                one(index, item)
        except BaseException as exc:  # reported after the run
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, items)) for i, items in enumerate(work)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def service_rate(ctx: Context, task_ids: list[int], actors: int) -> float:
    work = [task_ids[i::actors] for i in range(actors)]
    payload = tasks.Payload(comment="Đủ điều kiện theo hồ sơ; đề nghị khen thưởng.")

    def one(index: int, task_id: int) -> None:
        tasks.act(ctx, ACTORS[index % len(ACTORS)], task_id, "pass", payload)

    return len(task_ids) / run_threads(work, one)


def floor_rate(engine: Engine, n: int, actors: int) -> float:
    """UPDATE-with-version plus an audit INSERT, one transaction each, on rows of their own."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM counters WHERE scope LIKE 'bench-floor-%'"))
        conn.execute(
            insert(m.Counter), [{"scope": f"bench-floor-{i}", "year": 2020, "value": 0} for i in range(n)]
        )
    work = [list(range(i, n, actors)) for i in range(actors)]
    at = datetime(2020, 1, 8, 2, tzinfo=UTC)

    def one(index: int, row: int) -> None:
        with engine.begin() as conn:
            changed = conn.execute(
                update(m.Counter)
                .where(m.Counter.scope == f"bench-floor-{row}", m.Counter.year == 2020, m.Counter.value == 0)
                .values(value=m.Counter.value + 1)
            ).rowcount
            assert changed == 1
            conn.execute(
                insert(m.AuditEvent).values(
                    at=at,
                    actor_label="bench",
                    action="floor",
                    entity_type="bench",
                    entity_id=str(row),
                    data={},
                )
            )

    return n / run_threads(work, one)


def measure(label: str, url: str, schema: str | None, data_dir: Path, n: int) -> None:
    engine = make_engine(url, schema=schema) if schema else make_engine(url)
    upgrade(engine)
    ctx = bootstrap(
        Settings(data_dir=data_dir, database_url=url),
        clock=FixedClock(TODAY),
        engine=engine,
        migrate=False,
        dispatcher=run_inline,
    )
    # Every 5th nomination waits for appraisal: 2n tasks for the two timed runs, WARMUP more to warm up.
    fill(ctx, engine, nominations=10 * n + 5 * WARMUP, events=10 * n)
    with engine.connect() as conn:
        open_tasks = list(
            conn.scalars(
                select(m.Task.id)
                .where(m.Task.kind == "appraise", m.Task.status == "open")
                .order_by(m.Task.id)
            )
        )
    print(
        f"== {label}: {len(open_tasks)} open appraisal tasks; {n} completions per configuration "
        f"(after {WARMUP} untimed)"
    )
    print(f"   {'actors':<8}{'service /s':>12}{'floor /s':>12}{'ratio':>8}  target ≥ 0.3")
    service_rate(ctx, open_tasks[:WARMUP], 1)
    used = WARMUP
    for actors in (1, 8):
        batch = open_tasks[used : used + n]
        used += n
        service = service_rate(ctx, batch, actors)
        floor = floor_rate(engine, n, actors)
        verdict = "ok" if service / floor >= 0.3 else "under"
        print(f"   {actors:<8}{service:>12.0f}{floor:>12.0f}{service / floor:>8.2f}  {verdict}")
    ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    print("floor: one UPDATE … WHERE version matches + one audit INSERT per transaction (SQLAlchemy Core)")
    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{tmp}/bench.db", None, Path(tmp) / "sqlite", args.n)
        if args.skip_pg:
            return
        url = os.environ.get("THIDUA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        schema = f"bench_tasks_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            measure("PostgreSQL", url, schema, Path(tmp) / "pg", args.n)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
