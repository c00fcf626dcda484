"""The Ministry's forms of a province-sized year: 10,000 awarded nominations on 40 issued decisions.

Builds every form of the reporting year through the service (``statistics.build_form``: the derived
0703 counted from the decisions, the others read from the entered figures), and runs the plain SQL
aggregation the derived form needs over the same tables (one GROUP BY over decisions, their lists and
the nominations, leaving out annulled awards as the form does). Prints both (best of 5) and their ratio; the target is at most 2×.

Usage: ``python bench/statistics_forms.py [--postgres URL]`` (SQLite in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

import yaml
from sqlalchemy import insert, text

from flows.inline import run_inline
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.report_forms import catalogue
from thidua_workflow.services import statistics
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.org import load_organisation
from thidua_workflow.settings import Settings

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "quang-binh"
NOMINATIONS = 10_000
DECISIONS = 40
YEAR = 2020
# (award form, nominee kind) in the mix a province's year-end has: mostly Bằng khen, some titles and flags.
MIX = [
    ("bang_khen_tinh", "person"),
    ("bang_khen_tinh", "person"),
    ("bang_khen_tinh", "collective"),
    ("bang_khen_tinh", "household"),
    ("chien_si_thi_dua_tinh", "person"),
    ("co_thi_dua_tinh", "collective"),
    ("tap_the_lao_dong_xuat_sac", "collective"),
]
GROUPS = [None, "lanh_dao_bo_tinh", "lanh_dao_vu_so", "doanh_nhan", "lanh_dao_khac", "truc_tiep"]
TYPES = ["regular", "regular", "regular", "campaign", "ad_hoc", "long_service"]
SQL = text(
    """
    SELECT d.award_form, n.nominee_kind, n.nominee_stat_group, n.commendation_type, count(*)
    FROM decisions d
    JOIN decision_items i ON i.decision_id = d.id
    JOIN nominations n ON n.id = i.nomination_id
    WHERE d.status = 'issued' AND d.province_id = :province
      AND d.decision_date >= :start AND d.decision_date <= :end
      AND NOT EXISTS (SELECT 1 FROM annulments a WHERE a.nomination_id = i.nomination_id
                      AND a.decision_id = i.decision_id AND a.act_date <= :end)
    GROUP BY d.award_form, n.nominee_kind, n.nominee_stat_group, n.commendation_type
    """
)


def _populate(ctx: Context) -> None:
    load_organisation(ctx, yaml.safe_load((EXAMPLE / "org.yaml").read_text(encoding="utf-8")))
    now = datetime(2020, 1, 20, tzinfo=UTC)
    with ctx.uow() as uow:
        s = uow.session
        person = s.scalar(text("SELECT id FROM people WHERE username = 'nct.canbo'"))
        unit = "qb-hoi-nct"
        sub = s.scalar(
            insert(m.Submission)
            .values(unit_id=unit, submitted_by_id=person, created_at=now)
            .returning(m.Submission.id)
        )
        session_id = s.scalar(
            insert(m.CouncilSession)
            .values(
                title="Phiên họp",
                status="closed",
                members_total=7,
                opened_at=now,
                opened_by_id=person,
                result={},
                version=1,
            )
            .returning(m.CouncilSession.id)
        )
        nominations = []
        for i in range(NOMINATIONS):
            form, kind = MIX[i % len(MIX)]
            group = (
                GROUPS[i % len(GROUPS)]
                if kind == "person"
                else ("doanh_nghiep" if i % 5 == 0 and kind == "collective" else None)
            )
            nominations.append(
                {
                    "submission_id": sub,
                    "submitting_unit_id": unit,
                    "submitted_by_id": person,
                    "award_form": form,
                    "commendation_type": TYPES[i % len(TYPES)],
                    "procedure": "standard",
                    "period_year": 2019,
                    "period_phase": "full_year",
                    "period_code": "2019",
                    "period_label": "năm 2019",
                    "nominee_kind": kind,
                    "nominee_name": f"Đối tượng {i}",
                    "nominee_name_key": f"doi tuong {i}",
                    "nominee_order_key": f"{kind} {i}",
                    "nominee_key": f"{kind}:{i}",
                    "nominee_stat_group": group,
                    "status": "certified",
                    "policy_period": "luat-2003",
                    "policy_digest": "bench",
                    "current_version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        s.execute(insert(m.Nomination), nominations)
        ids = [r[0] for r in s.execute(text("SELECT id, award_form FROM nominations ORDER BY id"))]
        forms = {r[0]: r[1] for r in s.execute(text("SELECT id, award_form FROM nominations"))}
        by_form: dict[str, list[int]] = {}
        for nid in ids:
            by_form.setdefault(forms[nid], []).append(nid)
        number = 0
        items = []
        for form, members in by_form.items():
            chunk = max(1, len(members) // (DECISIONS // len(by_form)))
            for start in range(0, len(members), chunk):
                number += 1
                # every ninth decision falls before the reporting year (01/12/2019): the forms leave it out
                day = date(2019, 11, 20) if number % 9 == 0 else date(YEAR, 1 + number % 11, 15)
                decision = s.scalar(
                    insert(m.Decision)
                    .values(
                        session_id=session_id,
                        award_form=form,
                        award_name=form,
                        policy_period="luat-2003",
                        status="issued",
                        issuing_body=ctx.policy.issuing_body,
                        province_id=ctx.policy.province,
                        reason_line="…",
                        legal_basis=[],
                        year=day.year,
                        number=number,
                        number_text=f"{number}/QĐ-UBND",
                        decision_date=day,
                        created_at=now,
                        version=1,
                    )
                    .returning(m.Decision.id)
                )
                for ordinal, nid in enumerate(members[start : start + chunk], start=1):
                    items.append(
                        {
                            "decision_id": decision,
                            "nomination_id": nid,
                            "ordinal": ordinal,
                            "nominee_kind": "person",
                            "nominee_name": "…",
                            "reward_amount": 1_490_000,
                        }
                    )
        s.execute(insert(m.DecisionItem), items)
        uow.commit()


def _best(fn: Callable[[], T], repeat: int = 5) -> tuple[float, T]:
    best, result = float("inf"), fn()
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{tmp}/bench.db"
        settings = Settings(data_dir=Path(tmp) / "data", database_url=url, ballot_secret=None)
        ctx = bootstrap(settings, clock=FixedClock(date(YEAR, 12, 2)), dispatcher=run_inline)
        _populate(ctx)
        period = catalogue().period_for(YEAR)
        start, end = period.bounds(YEAR)
        keys = list(period.forms)

        def forms() -> list[statistics.FormReport]:
            return [statistics.build_form(ctx, "cv.tdkt1", YEAR, key) for key in keys]

        def plain() -> list[tuple[object, ...]]:
            with ctx.engine.connect() as conn:
                return [
                    tuple(r)
                    for r in conn.execute(SQL, {"province": ctx.policy.province, "start": start, "end": end})
                ]

        forms()  # warm: the policy, the statements' caches
        sql_time, groups = _best(plain)
        form_time, reports = _best(forms)
        derived = next(r for r in reports if r.spec.kind == "provincial_awards")
        counted = sum(int(str(g[-1])) for g in groups)
        ctx.close()
    print(
        f"forms of a province-sized year ({NOMINATIONS:,} awarded nominations, {DECISIONS} decisions; {ctx.engine.dialect.name})"
    )
    print(
        f"  recipients in the year's decisions (SQL): {counted:,}; 0703 row 01, column 1: {derived.cell('01', '1'):,}"
    )
    print(f"  plain SQL aggregation (GROUP BY):     {sql_time * 1000:.1f} ms")
    print(f"  every form of the year (service):     {form_time * 1000:.1f} ms  ({len(keys)} forms)")
    print(f"  ratio forms / plain SQL:              {form_time / sql_time:.2f} (target ≤ 2)")


if __name__ == "__main__":
    main()
