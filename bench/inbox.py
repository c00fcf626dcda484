"""Latency of the two pages people open most, on a province-size database, through the web app.

Fills a database with 100,000 nominations across 30 blocs (their dossiers, 20,000 open appraisal
tasks, 10,000 open bloc tasks) and 1,000,000 audit events, then measures p50/p95 of
- the appraiser's "Việc cần xử lý" page (GET /), and a bloc representative's;
- a nomination's page with its full timeline (GET /nominations/{id}),
each as a signed-in person through the app (FastAPI's test client: routing, session, services,
templates), on SQLite and on PostgreSQL. Target: p95 ≤ 50 ms. Beside each page's figures it prints
the raw floor measured in the same run (the page's main query alone, in SQL), and their ratio.

Usage: ``python bench/inbox.py [--nominations 100000] [--events 1000000] [--requests 200] [--skip-pg]``.
PostgreSQL: THIDUA_BENCH_PG_URL (default the test server, postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
from sqlalchemy import Connection, Engine, Table, insert, select, text

from flows.inline import run_inline
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.db.engine import make_engine
from thidua_workflow.db.migrate import upgrade
from thidua_workflow.domain.enums import NomineeKind
from thidua_workflow.domain.identity import list_order_key
from thidua_workflow.domain.text import search_key
from thidua_workflow.services import accounts, dashboard, org
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.settings import Settings
from thidua_workflow.web.app import create_app

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "quang-binh"
BLOCS = 30
UNITS_PER_BLOC = 10
PASSWORD = "mat-khau-do-hieu-nang"
TODAY = date(2020, 1, 8)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hạnh", "Hương", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Quỳnh"]


def organisation(blocs: int = BLOCS) -> dict[str, Any]:
    """Quảng Bình's organisation plus synthetic blocs of 10 units (``blocs`` in all), each unit with a clerk
    and a head who represents it in its bloc."""
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load((EXAMPLE / "org.yaml").read_text(encoding="utf-8")))
    criteria = data["blocs"][0]["criteria"]
    for b in range(1, blocs):
        units = [f"bench-b{b:02d}-u{u:02d}" for u in range(UNITS_PER_BLOC)]
        for u, unit in enumerate(units):
            data["units"].append({"id": unit, "name": f"Đơn vị {u + 1} khối {b + 1}", "kind": "hoi"})
            data["people"].append(
                {
                    "username": f"{unit}.canbo",
                    "full_name": f"Cán bộ {unit}",
                    "unit": unit,
                    "roles": ["unit_clerk"],
                }
            )
            data["people"].append(
                {
                    "username": f"{unit}.chutich",
                    "full_name": f"Chủ tịch {unit}",
                    "unit": unit,
                    "roles": ["unit_head", "bloc_representative"],
                }
            )
        data["blocs"].append(
            {
                "id": f"bench-b{b:02d}",
                "name": f"Khối thi đua số {b + 1}",
                "criteria": criteria,
                "members": [{"unit": unit, "from_year": 2016} for unit in units],
                "officers": [{"year": 2019, "chair": units[0], "deputy": units[1]}],
            }
        )
    return data


def bulk_load(conn: Connection, model: type[m.Base], rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL, executemany on SQLite: the fixture's rows, fast, in the caller's transaction.

    COPY knows nothing of the models' Python-side defaults, so the scalar ones are filled in here.
    """
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(model), rows)
        return
    table = cast(Table, model.__table__)
    columns = [
        c
        for c in table.columns
        if c.key in rows[0] or (c.default is not None and getattr(c.default, "is_scalar", False))
    ]

    def value(column: Any, row: dict[str, Any]) -> Any:
        default = column.default.arg if column.default is not None else None
        found = row.get(column.key, default)
        return json.dumps(found, ensure_ascii=False) if isinstance(found, dict | list) else found

    raw = conn.connection.driver_connection
    assert raw is not None
    names = ", ".join(f'"{c.name}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([value(c, row) for c in columns])


def chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def fill(ctx: Context, engine: Engine, nominations: int, events: int) -> dict[str, Any]:
    """Bulk rows through SQLAlchemy Core: what a year-end rush leaves in the database."""
    org.load_organisation(ctx, organisation())
    rng = random.Random(7)
    with engine.connect() as conn:
        people = dict(conn.execute(select(m.Person.username, m.Person.id)).all())
        blocs = [
            (
                bloc_id,
                sorted(conn.scalars(select(m.BlocMember.unit_id).where(m.BlocMember.bloc_id == bloc_id))),
            )
            for bloc_id in conn.scalars(select(m.Bloc.id).order_by(m.Bloc.id))
        ]
    blocs = blocs[:BLOCS]
    created = datetime(2019, 12, 5, 2, tzinfo=UTC)
    with engine.begin() as conn:
        submissions = []
        for _bloc, units in blocs:
            for unit in units:
                clerk = next(
                    (p for u, p in people.items() if u.startswith(unit) and u.endswith(".canbo")), None
                )
                submissions.append(
                    {"unit_id": unit, "submitted_by_id": clerk or people["nct.canbo"], "created_at": created}
                )
        conn.execute(insert(m.Submission), submissions)
        subs = list(conn.execute(select(m.Submission.id, m.Submission.unit_id, m.Submission.submitted_by_id)))
    per_sub = nominations // len(subs) + 1
    bloc_of = {u: b for b, units in blocs for u in units}
    rows, dossiers, tasks = [], [], []
    n_id = 0
    for sub_id, unit, clerk in subs:
        for _ in range(per_sub):
            if n_id >= nominations:
                break
            n_id += 1
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {n_id}"
            appraisal = n_id % 5 == 0
            status = "appraisal" if appraisal else ("bloc_review" if n_id % 10 == 1 else "decided")
            rows.append(
                {
                    "id": n_id,
                    "submission_id": sub_id,
                    "submitting_unit_id": unit,
                    "submitted_by_id": clerk,
                    "award_form": "bang_khen_tinh",
                    "commendation_type": "regular",
                    "procedure": "regular",
                    "period_year": 2019,
                    "period_phase": "full_year",
                    "period_code": "2019",
                    "period_label": "năm 2019",
                    "nominee_kind": "person",
                    "nominee_name": name,
                    "nominee_name_key": search_key(name),
                    "nominee_order_key": list_order_key(NomineeKind.PERSON, name),
                    "nominee_position": "Chuyên viên",
                    "nominee_unit_id": unit,
                    "nominee_key": f"person:{search_key(name)}:{unit}",
                    "bloc_id": bloc_of.get(unit),
                    "status": status,
                    "policy_period": "luat-2003",
                    "policy_digest": "bench",
                    "current_version": 1,
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                }
            )
            dossiers.append(
                {
                    "nomination_id": n_id,
                    "number": 1,
                    "achievement": f"Hoàn thành xuất sắc nhiệm vụ năm 2019; thành tích số {n_id}.",
                    "declared": {},
                    "checks": [
                        {"rule": "bench", "outcome": "passed", "message": "Đạt", "article": "Điều 24"}
                    ],
                    "created_by_id": clerk,
                    "created_at": created,
                }
            )
            if appraisal:
                due = TODAY + timedelta(days=rng.randint(-10, 20))
                tasks.append(_task("appraise", n_id, "appraiser", None, due, created))
            elif status == "bloc_review":
                tasks.append(_task("round_vote", n_id, "bloc_representative", unit, TODAY, created))
    with engine.begin() as conn:
        policy = conn.execute(text("select 1")).scalar()  # keep one connection for the bulk load
        assert policy == 1
        for part in chunks(rows):
            bulk_load(conn, m.Nomination, part)
        for part in chunks(dossiers):
            bulk_load(conn, m.DossierVersion, part)
        for part in chunks(tasks):
            bulk_load(conn, m.Task, part)
    actions = ["submit", "bloc_endorse", "appraisal_pass", "council_approve", "decide"]
    per_nomination = max(1, events // nominations)
    with engine.begin() as conn:
        batch: list[dict[str, Any]] = []
        for n in range(1, nominations + 1):
            for k in range(per_nomination):
                batch.append(
                    {
                        "at": created + timedelta(minutes=k),
                        "actor_id": None,
                        "actor_label": "Hệ thống",
                        "action": actions[k % len(actions)],
                        "entity_type": "nomination",
                        "entity_id": str(n),
                        "comment": "Sự kiện mô phỏng",
                        "data": {},
                    }
                )
            if len(batch) >= 20000:
                bulk_load(conn, m.AuditEvent, batch)
                batch = []
        bulk_load(conn, m.AuditEvent, batch)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return {"nominations": nominations, "events": per_nomination * nominations, "open_tasks": len(tasks)}


def _task(kind: str, nomination: int, role: str, unit: str | None, due: date, at: datetime) -> dict[str, Any]:
    return {
        "kind": kind,
        "nomination_id": nomination,
        "status": "open",
        "assignee_role": role,
        "assignee_unit_id": unit,
        "due_on": due,
        "created_at": at,
        "version": 1,
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def timed(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm caches and templates
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def measure(
    ctx: Context, engine: Engine, requests: int, nominations: int
) -> list[tuple[str, float, float, float]]:
    from fastapi.testclient import TestClient  # here: only this benchmark drives the app

    app = create_app(ctx)
    results = []
    rng = random.Random(11)
    for username, label in (
        ("cv.tdkt1", "inbox (appraiser)"),
        ("bench-b01-u03.chutich", "inbox (bloc member)"),
    ):
        accounts.set_password(ctx, username, PASSWORD)
        client = TestClient(app)
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})

        def inbox(client: TestClient = client) -> None:
            response = client.get("/")
            assert response.status_code == 200 and "Việc cần xử lý" in response.text

        def floor_inbox() -> None:
            with engine.connect() as conn:
                conn.execute(
                    select(m.Task.id, m.Nomination.nominee_name)
                    .join(m.Nomination, m.Nomination.id == m.Task.nomination_id)
                    .where(m.Task.status == "open", m.Task.assignee_role == "appraiser")
                    .order_by(m.Task.due_on, m.Task.id)
                    .limit(200)
                ).all()

        page_ms = timed(inbox, requests)
        floor_ms = timed(floor_inbox, requests)
        results.append((label, *percentiles(page_ms), statistics.median(floor_ms)))
        if username == "cv.tdkt1":

            def timeline(client: TestClient = client) -> None:
                n = rng.randint(1, nominations)
                response = client.get(f"/nominations/{n}")
                assert response.status_code == 200 and "Diễn biến" in response.text

            def floor_timeline() -> None:
                n = str(rng.randint(1, nominations))
                with engine.connect() as conn:
                    conn.execute(
                        select(m.AuditEvent).where(
                            m.AuditEvent.entity_type == "nomination", m.AuditEvent.entity_id == n
                        )
                    ).all()

            page_ms = timed(timeline, requests)
            floor_ms = timed(floor_timeline, requests)
            results.append(("nomination + timeline", *percentiles(page_ms), statistics.median(floor_ms)))
            # Issue 22: the Ban's dashboard, from the snapshot the nightly sweep takes (timed apart).
            started = time.perf_counter()
            dashboard.refresh(ctx)
            print(f"   dashboard snapshot taken in {(time.perf_counter() - started) * 1000:.0f} ms")

            def board(client: TestClient = client) -> None:
                response = client.get("/dashboard?year=2019")
                assert response.status_code == 200 and "Bảng theo dõi" in response.text

            def floor_board() -> None:
                with engine.connect() as conn:
                    conn.execute(
                        select(m.DashboardSnapshot.data).order_by(m.DashboardSnapshot.id.desc()).limit(1)
                    ).all()

            page_ms = timed(board, requests)
            floor_ms = timed(floor_board, requests)
            results.append(("dashboard (Ban)", *percentiles(page_ms), statistics.median(floor_ms)))
        client.close()
    return results


def run(label: str, url: str, schema: str | None, args: argparse.Namespace, data_dir: Path) -> None:
    engine = make_engine(url, schema=schema) if schema else make_engine(url)
    upgrade(engine)
    settings = Settings(data_dir=data_dir, database_url=url)
    ctx = bootstrap(settings, clock=FixedClock(TODAY), engine=engine, migrate=False, dispatcher=run_inline)
    started = time.perf_counter()
    sizes = fill(ctx, engine, args.nominations, args.events)
    print(
        f"== {label}: {sizes['nominations']:,} nominations, {sizes['events']:,} audit events, "
        f"{sizes['open_tasks']:,} open tasks (filled in {time.perf_counter() - started:.0f} s)"
    )
    print(f"   {'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'floor ms':>10}{'p50/floor':>11}  target p95 ≤ 50 ms")
    for name, p50, p95, floor in measure(ctx, engine, args.requests, args.nominations):
        verdict = "ok" if p95 <= 50 else "over"
        print(f"   {name:<24}{p50:>9.1f}{p95:>9.1f}{floor:>10.2f}{p50 / floor:>11.1f}  {verdict}")
    ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.db", None, args, Path(tmp) / "sqlite")
        if args.skip_pg:
            return
        url = os.environ.get("THIDUA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        schema = f"bench_inbox_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            run("PostgreSQL", url, schema, args, Path(tmp) / "pg")
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
