"""Nominations from submission to issued certificates, through the real flows, against a raw baseline.

``--n`` nominations (default 1,000) in 10 blocs of 10 units, a year-end mix (``MIX``): each unit's clerk
submits its Tờ trình of the year and an ad-hoc one; each bloc's chair opens voting, every member scores
and votes (never on its own unit), the chair closes (the Bằng khen quota cuts half of those); an appraiser
passes every dossier; the council meets and every member casts a ballot; the signer signs and the
registrar numbers each decision; the decision stage issues the certificates (950 of 1,000). Approvers act
as soon as their tasks exist.

- baseline: the same service calls, with every stage run inline in this process (no Prefect);
- orchestrated: the stages as flow runs of the served deployments (a Prefect server and a runner on this
  machine); the people's side delivers wake-ups in the background as the web app does, and waits only
  for the stages its next task needs.

Prints, per database: both wall times and per phase, their ratio (target ≤ 1.5), flow runs created, and
peak memory (target ≤ 1 GiB); then the same on PostgreSQL with ``--large`` nominations (default 10,000)
and how time grew (target: linear).
Usage: ``python bench/end_to_end.py [--n 1000] [--large 10000] [--skip-pg] [--skip-sqlite]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from inbox import organisation  # the province's blocs of 10 units, each with a clerk and a representative
from pydantic import SecretStr
from sqlalchemy import func, select, text

from flows.inline import run_inline
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.db.engine import make_engine
from thidua_workflow.db.migrate import upgrade
from thidua_workflow.demo import COUNCIL
from thidua_workflow.domain.enums import Choice, Finding
from thidua_workflow.services import council, decisions, findings, nominations, org, rounds, tasks
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.services.stages import pending
from thidua_workflow.settings import Settings

BLOCS = 10
PDF = b"%PDF-1.4\n% bench stand-in\n"


def bloc_units(ctx: Context) -> dict[str, list[str]]:
    with ctx.reader() as uow:
        rows = uow.session.execute(
            select(m.BlocMember.bloc_id, m.BlocMember.unit_id).order_by(m.BlocMember.unit_id)
        )
        found: dict[str, list[str]] = {}
        for bloc, unit in rows:
            found.setdefault(bloc, []).append(unit)
    return found


def people_of(ctx: Context, unit: str) -> tuple[str, str]:
    """The unit's clerk and its head (who signs the Tờ trình and represents it in the bloc)."""
    with ctx.reader() as uow:
        grants = uow.session.execute(
            select(m.Person.username, m.RoleGrant.role)
            .join(m.RoleGrant, m.RoleGrant.person_id == m.Person.id)
            .where(m.RoleGrant.unit_id == unit)
        ).all()
    clerk = next(u for u, r in grants if r == "unit_clerk")
    head = next(u for u, r in grants if r == "bloc_representative")
    return clerk, head


# Ten nominations of a unit, as a year-end rush brings them: the Tờ trình of the year's review carries a
# Tập thể lao động xuất sắc, a Chiến sĩ thi đua cấp tỉnh (council ballot) and a Bằng khen (the bloc's quota
# cuts half of them); an ad-hoc Tờ trình (thủ tục đơn giản, straight to appraisal) carries seven Bằng khen
# đột xuất for people, households and collectives.
MIX = (
    "ttldxs",
    "cstd",
    "bang_khen",
    "person",
    "household",
    "collective",
    "person",
    "person",
    "household",
    "person",
)
KIND = {"ttldxs": "collective", "cstd": "person", "bang_khen": "person"}
REPORT = {"kind": "bao_cao_thanh_tich", "file": "bc.pdf", "dated": "2019-11-20"}


def year_end_entry(unit: str, i: int, form: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"period": {"year": 2019}, "evidence": [REPORT]}
    if form == "ttldxs":
        entry |= {
            "nominee": {"kind": "collective", "name": f"Văn phòng số {i + 1} {unit}", "unit": unit},
            "award_form": "tap_the_lao_dong_xuat_sac",
            "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2019; 100% cán bộ hoàn thành nhiệm vụ.",
            "declared": {
                "members": {
                    "total": 12,
                    "completed_tasks": 12,
                    "lao_dong_tien_tien": 10,
                    "chien_si_thi_dua_co_so": 2,
                }
            },
        }
    elif form == "cstd":
        entry |= {
            "nominee": {
                "kind": "person",
                "name": f"Trần Văn Sáng Kiến {i + 1} {unit}",
                "unit": unit,
                "position": "Phó Chủ tịch",
            },
            "award_form": "chien_si_thi_dua_tinh",
            "achievement": "Ba năm liên tục Chiến sĩ thi đua cơ sở; sáng kiến áp dụng trong toàn tỉnh.",
            "declared": {
                "titles": [{"title": "chien_si_thi_dua_co_so", "year": y} for y in (2017, 2018, 2019)],
                "initiatives": [
                    {
                        "name": f"Sáng kiến số {i + 1} của {unit}",
                        "year": 2019,
                        "scope": "province",
                        "recognized_by": "Hội đồng Sáng kiến tỉnh",
                    }
                ],
            },
            "evidence": [
                REPORT,
                {"kind": "sang_kien", "file": "sk.pdf", "title": "Giấy chứng nhận sáng kiến"},
            ],
        }
    else:
        entry |= {
            "nominee": {
                "kind": "person",
                "name": f"Nguyễn Văn Mẫu {i + 1} {unit}",
                "unit": unit,
                "position": "Chuyên viên",
            },
            "award_form": "bang_khen_tinh",
            "achievement": "Hai năm liên tục Chiến sĩ thi đua cơ sở; hoàn thành xuất sắc nhiệm vụ năm 2019.",
            "declared": {"titles": [{"title": "chien_si_thi_dua_co_so", "year": y} for y in (2018, 2019)]},
        }
    return entry


def ad_hoc_entry(unit: str, i: int, kind: str) -> dict[str, Any]:
    nominee: dict[str, Any] = {"kind": kind, "name": f"Lê Thị Đột Xuất {i + 1} {unit}"}
    if kind == "person":
        nominee |= {"unit": unit, "position": "Hội viên"}
    elif kind == "collective":
        nominee |= {"name": f"Chi hội số {i + 1} {unit}", "unit": unit}
    else:
        nominee |= {"name": f"Hộ ông Phạm Văn Thiện {i + 1} {unit}", "address": "Thôn Ví Dụ, xã Quảng Mẫu"}
    return {
        "nominee": nominee,
        "award_form": "bang_khen_tinh",
        "commendation_type": "ad_hoc",
        "period": {"year": 2019, "phase": "event", "event_date": "2019-11-25"},
        "movement": "Chung tay vì người nghèo",
        "achievement": "Đã có thành tích xuất sắc đột xuất trong cứu trợ đồng bào vùng lũ tháng 11 năm 2019.",
    }


def submissions(unit: str, head: str, count: int) -> list[tuple[dict[str, Any], MappingSource]]:
    """The unit's Tờ trình of the year's review and, if its share has them, its ad-hoc Tờ trình."""
    forms = [MIX[i % len(MIX)] for i in range(count)]
    regular = [year_end_entry(unit, i, f) for i, f in enumerate(forms) if f in KIND]
    ad_hoc = [ad_hoc_entry(unit, i, f) for i, f in enumerate(forms) if f not in KIND]
    files = {
        "tt.pdf": PDF + b"tt",
        "bb.pdf": PDF + b"bb",
        "bc.pdf": PDF + unit.encode(),
        "sk.pdf": PDF + b"sk",
    }
    found = []
    if regular:
        documents = [
            {"kind": "to_trinh", "file": "tt.pdf", "signed_by": head},
            {"kind": "bien_ban", "file": "bb.pdf"},
        ]
        found.append(({"unit": unit, "documents": documents, "nominations": regular}, MappingSource(files)))
    if ad_hoc:
        documents = [{"kind": "to_trinh", "file": "tt.pdf", "signed_by": head}]
        found.append(({"unit": unit, "documents": documents, "nominations": ad_hoc}, MappingSource(files)))
    return found


def scenario(
    ctx: Context, clock: FixedClock, n: int, settle: Callable[[], None], phases: dict[str, float]
) -> int:
    """The whole path; ``settle`` waits for the stages the next people's tasks depend on.

    ``phases`` receives the wall time of each part (people's calls plus the wait for the stages after).
    """
    mark = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal mark
        settle()
        phases[name] = time.perf_counter() - mark
        mark = time.perf_counter()

    blocs = dict(list(bloc_units(ctx).items())[:BLOCS])
    per_unit = max(1, n // (BLOCS * 10))
    clock.set(date(2019, 12, 5))
    for units in blocs.values():
        for unit in units:
            clerk, head = people_of(ctx, unit)
            for data, source in submissions(unit, head, per_unit):
                nominations.submit(ctx, clerk, data, source)
    phase("submissions and intake")
    clock.set(date(2019, 12, 17))
    round_ids = []
    for bloc, units in blocs.items():
        round_id = rounds.find_round(ctx, bloc, "2019")
        chair = people_of(ctx, str(rounds.show_round(ctx, round_id).chair))[1]
        rounds.open_voting(ctx, chair, round_id)
        round_ids.append((round_id, chair, units))
    clock.set(date(2019, 12, 19))
    for round_id, chair, units in round_ids:
        view = rounds.show_round(ctx, round_id)
        items = {x["id"]: x["unit"] for x in view.nominations}
        # Distinct totals per unit (the first criterion), the same sheet from every scorer.
        sheet = {
            u: {c["code"]: int(c["max"]) - (j if k == 0 else 0) for k, c in enumerate(view.criteria)}
            for j, u in enumerate(units)
        }
        for unit in units:
            head = people_of(ctx, unit)[1]
            rounds.submit_scores(ctx, head, round_id, sheet)
            approve = {i for i, u in items.items() if u != unit}
            rounds.cast_votes(ctx, head, round_id, approve=approve, reject=set())
        # Nominations of one unit tie with each other: the chair orders them as the units listed them.
        order = sorted(items, key=lambda i: (units.index(items[i]), i))
        rounds.close_round(
            ctx,
            chair,
            round_id,
            next_chair=units[2],
            next_deputy=units[3],
            order=order,
            tie_reason="Theo thứ tự điểm của đơn vị và thứ tự trong tờ trình.",
        )
    phase("bloc rounds")
    clock.set(date(2020, 1, 8))
    for task in tasks.list_tasks(ctx, "cv.tdkt1"):
        if task.kind == "appraise":
            # A household's criterion needs the appraiser's finding before the pass (issue 18).
            for check in findings.pending_criteria(ctx, "cv.tdkt1", task.nomination_id or 0):
                findings.record_finding(
                    ctx, "cv.tdkt1", task.nomination_id or 0, check.rule, Finding.MET, "Đã xác minh."
                )
            tasks.act(ctx, "cv.tdkt1", task.id, "pass")
    clock.set(date(2020, 1, 15))
    session_id = council.open_session(ctx, "tb.tdkt").id
    council.record_attendance(ctx, "tb.tdkt", session_id, COUNCIL)
    agenda = council.show_session(ctx, session_id).items
    ballot = dict.fromkeys((i["nomination"] for i in agenda if i["needs_vote"]), Choice.YES)
    for member in COUNCIL:
        council.cast_ballot(ctx, member, session_id, ballot)
    council.close_session(ctx, "tb.tdkt", session_id)
    phase("appraisal and council")
    clock.set(date(2020, 1, 20))
    for number, draft in enumerate(decisions.list_decisions(ctx), start=100):
        decisions.sign(ctx, "pct.ubnd", draft.id)
        decisions.register(ctx, "vt.ubnd", draft.id, number)
    phase("decisions and certificates")
    with ctx.reader() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(m.Certificate)) or 0)


def prepared(url: str, schema: str | None, folder: Path) -> tuple[Context, FixedClock]:
    engine = make_engine(url, schema=schema) if schema else make_engine(url)
    upgrade(engine)
    clock = FixedClock(date(2019, 12, 2))
    ctx = bootstrap(
        Settings(
            data_dir=folder,
            database_url=url,
            verify_url_local=True,
            ballot_secret=SecretStr(secrets.token_hex(32)),  # the council's ballot secret, this run's
        ),
        clock=clock,
        engine=engine,
        migrate=False,
        dispatcher=run_inline,
    )
    org.load_organisation(ctx, organisation(BLOCS))
    return ctx, clock


def waiter(ctx: Context, clock: FixedClock) -> Callable[[], None]:
    def settle() -> None:
        from flows.dispatch import redeliver

        quiet = time.monotonic()
        last = -1
        while waiting := len(pending(ctx)):
            if waiting != last:
                last, quiet = waiting, time.monotonic()
            elif time.monotonic() - quiet > 60 and not running(ctx):  # lost: what the sweep would do
                lost = pending(ctx)
                print(
                    f"   ! {len(lost)} wake-ups lost: {[(w.kind, w.flow_run_id, w.last_error) for w in lost]}"
                )
                clock.advance(timedelta(minutes=11))
                redeliver(ctx)
                quiet = time.monotonic()
            time.sleep(0.05)

    return settle


def running(ctx: Context) -> bool:
    """Whether a flow run that pending wake-ups were handed to is still on its way (a long decision)."""
    from uuid import UUID

    from flows.dispatch import api_client

    runs = {w.flow_run_id for w in pending(ctx) if w.flow_run_id}
    states = [api_client().read_flow_run(UUID(run)).state for run in runs]
    return any(state is not None and not state.is_final() for state in states)


def peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def one_side(side: str, url: str, schema: str | None, folder: Path, n: int) -> dict[str, Any]:
    """One way through, in this (fresh) process: what the parent prints."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.dispatch import dispatcher
    from flows.local_server import prefect_server, runner
    from thidua_workflow.demo import count_flow_runs
    from thidua_workflow.web.server import in_background

    ctx, clock = prepared(url, schema, folder)
    phases: dict[str, float] = {}
    runs = 0
    if side == "baseline":
        started = time.perf_counter()
        issued = scenario(ctx, clock, n, lambda: None, phases)
        elapsed = time.perf_counter() - started
    else:
        home = folder / "prefect"
        home.mkdir(parents=True, exist_ok=True)
        env = {"THIDUA_DATA_DIR": str(folder), "THIDUA_DATABASE_URL": url, "THIDUA_DISPATCH": "inline"}
        if schema:
            env["THIDUA_DATABASE_URL"] = f"{url}?options=-csearch_path%3D{schema}"
        with (
            prefect_server(home) as api,
            runner(api, home, env),
            temporary_settings(updates={PREFECT_API_URL: api}),
        ):
            ctx.dispatcher = in_background(dispatcher("deployment"))  # as the web app delivers
            ctx.settings = ctx.settings.model_copy(update={"dispatch": "deployment"})
            before = count_flow_runs()
            started = time.perf_counter()
            issued = scenario(ctx, clock, n, waiter(ctx, clock), phases)
            elapsed = time.perf_counter() - started
            runs = count_flow_runs() - before
    ctx.close()
    return {
        "seconds": elapsed,
        "phases": phases,
        "issued": issued,
        "runs": runs,
        "peak_self": peak_mib(resource.RUSAGE_SELF),
        "peak_children": peak_mib(resource.RUSAGE_CHILDREN),
    }


def measure(
    label: str, url: str, schema: str | None, folder: Path, n: int, reset: Callable[[], None]
) -> tuple[float, float]:
    """Both ways on one database, each in a fresh process (so that its memory is its own); returns
    (baseline, through flow runs) in seconds."""
    found = {}
    for side in ("baseline", "flows"):
        reset()
        command = [sys.executable, __file__, "--side", side, "--url", url, "--folder", str(folder / side)]
        command += ["--n", str(n)] + (["--schema", schema] if schema else [])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        for line in done.stdout.splitlines():
            if not line.startswith("{"):
                print(line)
        if done.returncode != 0 or not lines:
            raise SystemExit(f"{label} {side} failed:\n{done.stderr[-3000:]}")
        found[side] = json.loads(lines[-1])
    inline, flows = found["baseline"], found["flows"]
    print(
        f"== {label}: {n} nominations in {BLOCS} blocs; certificates issued: baseline {inline['issued']}, "
        f"flows {flows['issued']}"
    )
    print(f"   baseline (same service calls, stages inline): {inline['seconds']:8.1f} s")
    print(
        f"   through Prefect flow runs:                    {flows['seconds']:8.1f} s  ({flows['runs']} flow runs)"
    )
    for name, seconds in inline["phases"].items():
        print(f"     {name:<30} {seconds:7.1f} s inline {flows['phases'][name]:7.1f} s through flows")
    print(
        f"   ratio:                                        {flows['seconds'] / inline['seconds']:8.2f}   target ≤ 1.5"
    )
    print(
        f"   peak memory, inline: {inline['peak_self']:.0f} MiB (its render workers {inline['peak_children']:.0f}); "
        f"through flows: people's side {flows['peak_self']:.0f} MiB, largest of server, runner and flow runs "
        f"{flows['peak_children']:.0f} MiB   target ≤ 1024 MiB"
    )
    return inline["seconds"], flows["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000, help="then on PostgreSQL with this many (0: no)")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--side", choices=["baseline", "flows"], help=argparse.SUPPRESS
    )  # one side, in a child
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        print(json.dumps(one_side(args.side, args.url, args.schema, Path(args.folder), args.n)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_sqlite:
            db = Path(tmp) / "bench.db"

            def fresh_sqlite() -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)

            measure("SQLite", f"sqlite:///{db}", None, Path(tmp) / "sqlite", args.n, fresh_sqlite)
        if args.skip_pg:
            return
        url = os.environ.get("THIDUA_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        schema = f"bench_e2e_{uuid.uuid4().hex[:8]}"
        admin = make_engine(url)

        def fresh_schema() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))

        fresh_schema()
        try:
            small = measure("PostgreSQL", url, schema, Path(tmp) / "pg", args.n, fresh_schema)
            if args.large:
                fresh_schema()
                large = measure("PostgreSQL", url, schema, Path(tmp) / "pg-large", args.large, fresh_schema)
                times = args.large / args.n
                print(f"== growth {args.n} → {args.large} on PostgreSQL (linear: ×{times:g})")
                print(f"   baseline ×{large[0] / small[0]:.1f}, through flow runs ×{large[1] / small[1]:.1f}")
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
