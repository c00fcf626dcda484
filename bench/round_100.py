"""One bloc round of 100 nominations, from the units' submissions to issued decisions, twice:

- baseline: the same service calls with every stage run inline, in this process (no Prefect);
- orchestrated: the stages as flow runs of the served deployments (Prefect server + runner on this machine).

Prints both wall times, their ratio, and the flow runs created. Server and runner start-up is measured
apart (it is paid once per machine, not per round). Usage: ``python bench/round_100.py``.
"""

from __future__ import annotations

import copy
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import SecretStr

from flows.inline import run_inline
from thidua_workflow.clock import FixedClock
from thidua_workflow.demo import COUNCIL, REPRESENTATIVES
from thidua_workflow.services import council, decisions, nominations, org, rounds, tasks
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "quang-binh"
PDF = b"%PDF-1.4\n% bench stand-in\n"
PER_UNIT = 10


def _org() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(yaml.safe_load((EXAMPLE / "org.yaml").read_text(encoding="utf-8")))
    for unit in REPRESENTATIVES:
        for i in range(PER_UNIT - 1):
            data["units"].append(
                {"id": f"{unit}-p{i}", "name": f"Phòng {i + 1} thuộc {unit}", "parent": unit}
            )
    return data


def _submission(unit: str, head: str) -> tuple[dict[str, Any], MappingSource]:
    entries: list[dict[str, Any]] = [
        {
            "nominee": {"kind": "collective", "name": f"Phòng {i + 1} thuộc {unit}", "unit": f"{unit}-p{i}"},
            "award_form": "tap_the_lao_dong_xuat_sac",
            "period": {"year": 2019},
            "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2019.",
            "declared": {
                "members": {
                    "total": 10,
                    "completed_tasks": 10,
                    "lao_dong_tien_tien": 8,
                    "chien_si_thi_dua_co_so": 1,
                }
            },
            "evidence": [{"kind": "bao_cao_thanh_tich", "file": "bc.pdf", "dated": "2019-11-20"}],
        }
        for i in range(PER_UNIT - 1)
    ]
    entries.append(
        {
            "nominee": {
                "kind": "person",
                "name": f"Nguyễn Văn Mẫu {unit}",
                "unit": unit,
                "position": "Phó Chủ tịch",
            },
            "award_form": "bang_khen_tinh",
            "period": {"year": 2019},
            "achievement": "Hai năm liên tục Chiến sĩ thi đua cơ sở.",
            "declared": {
                "titles": [
                    {"title": "chien_si_thi_dua_co_so", "year": 2018},
                    {"title": "chien_si_thi_dua_co_so", "year": 2019},
                ]
            },
            "evidence": [{"kind": "bao_cao_thanh_tich", "file": "bc.pdf", "dated": "2019-11-20"}],
        }
    )
    documents = [
        {"kind": "to_trinh", "file": "tt.pdf", "signed_by": head},
        {"kind": "bien_ban", "file": "bb.pdf"},
    ]
    files = {"tt.pdf": PDF + b"tt", "bb.pdf": PDF + b"bb", "bc.pdf": PDF + unit.encode()}
    return {"unit": unit, "documents": documents, "nominations": entries}, MappingSource(files)


def scenario(ctx: Context, clock: FixedClock) -> int:
    """The round; returns how many nominations ended decided."""
    clock.set(date(2019, 12, 5))
    for unit, (head, _sheet) in REPRESENTATIVES.items():
        clerk = head.replace(".chutich", ".canbo")
        data, source = _submission(unit, head)
        nominations.submit(ctx, clerk, data, source)
    round_id = rounds.find_round(ctx, "qb-khoi-hoi-dac-thu", "2019")
    clock.set(date(2019, 12, 17))
    rounds.open_voting(ctx, "nct.chutich", round_id)
    items = {n["id"]: n["unit"] for n in rounds.show_round(ctx, round_id).nominations}
    for unit, (head, sheet) in REPRESENTATIVES.items():
        scores = yaml.safe_load((EXAMPLE / "round-2019" / f"{sheet}.yaml").read_text(encoding="utf-8"))
        rounds.submit_scores(ctx, head, round_id, scores)
        rounds.cast_votes(
            ctx, head, round_id, approve={i for i, u in items.items() if u != unit}, reject=set()
        )
    rounds.close_round(
        ctx, "nct.chutich", round_id, next_chair="qb-lien-minh-htx", next_deputy="qb-hoi-chu-thap-do"
    )
    clock.set(date(2020, 1, 8))
    for view in tasks.list_tasks(ctx, "cv.tdkt1"):
        if view.kind == "appraise":
            tasks.act(ctx, "cv.tdkt1", view.id, "pass")
    clock.set(date(2020, 1, 15))
    session_id = council.open_session(ctx, "tb.tdkt").id
    council.record_attendance(ctx, "tb.tdkt", session_id, COUNCIL)
    council.close_session(ctx, "tb.tdkt", session_id)
    clock.set(date(2020, 1, 20))
    for number, draft in enumerate(decisions.list_decisions(ctx), start=100):
        decisions.sign(ctx, "pct.ubnd", draft.id)
        decisions.register(ctx, "vt.ubnd", draft.id, number)
    return sum(len(d.items) for d in decisions.list_decisions(ctx) if d.status == "issued")


def _context(folder: Path) -> tuple[Context, FixedClock]:
    clock = FixedClock(date(2019, 12, 2))
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'thidua.db'}",
        verify_url_local=True,
        ballot_secret=SecretStr(secrets.token_hex(32)),  # the council's ballot secret, this run's, in memory
    )
    ctx = bootstrap(settings, clock=clock, dispatcher=run_inline)
    org.load_organisation(ctx, _org())
    return ctx, clock


def main() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.dispatch import dispatcher
    from flows.local_server import prefect_server, runner
    from thidua_workflow.demo import count_flow_runs

    with tempfile.TemporaryDirectory() as base:
        inline_ctx, clock = _context(Path(base) / "inline")
        started = time.perf_counter()
        decided_inline = scenario(inline_ctx, clock)
        baseline = time.perf_counter() - started
        inline_ctx.close()

        folder = Path(base) / "prefect"
        ctx, clock = _context(folder)
        boot = time.perf_counter()
        env = {"THIDUA_DATA_DIR": str(folder), "THIDUA_DATABASE_URL": ctx.settings.effective_database_url}
        with prefect_server(folder / "prefect") as api, runner(api, folder / "prefect", env):
            startup = time.perf_counter() - boot
            with temporary_settings(updates={PREFECT_API_URL: api}):
                ctx.dispatcher = dispatcher("deployment", wait=True)
                before = count_flow_runs()
                started = time.perf_counter()
                decided = scenario(ctx, clock)
                orchestrated = time.perf_counter() - started
                runs = count_flow_runs() - before
        ctx.close()

    print("one bloc round of 100 nominations, submission to issued decisions (SQLite)")
    print(f"  decided: inline {decided_inline}, through Prefect {decided}")
    print(f"  baseline (stages inline, no Prefect): {baseline:.2f} s")
    print(f"  through Prefect flow runs:            {orchestrated:.2f} s  ({runs} flow runs)")
    print(f"  ratio orchestrated / baseline:        {orchestrated / baseline:.2f}")
    print(f"  Prefect server + runner start-up:     {startup:.2f} s (once per machine)")


if __name__ == "__main__":
    main()
