"""Real Prefect flow runs carry the work between stages, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings
from sqlalchemy import func, select

from flows import stages as stage_flows
from flows.dispatch import dispatcher
from tests.conftest import EXAMPLES
from tests.integration.helpers import open_round, submit_example, vote_round
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.demo import Scenario
from thidua_workflow.services import decisions, rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.queries import show_nomination
from thidua_workflow.services.stages import pending


def _runs(name: str) -> list[Any]:
    async def read() -> list[Any]:
        async with get_client() as client:
            return list(
                await client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])),
                    limit=20,
                    sort=FlowRunSort.START_TIME_ASC,
                )
            )

    return asyncio.run(read())


def _artifact(api: str, key: str) -> str:
    """The latest artifact with ``key`` (a full filter body: Prefect 3.8.8's client leaves fields null)."""
    body = {"artifacts": {"key": {"any_": [key]}}, "limit": 1, "offset": 0}
    found = httpx.post(f"{api}/artifacts/filter", json={**body, "sort": "UPDATED_DESC"}, timeout=10).json()
    assert found, key
    return str(found[0]["data"])


def test_the_scenario_moves_through_real_flow_runs(
    flows_ctx: Context, clock: FixedClock, prefect_api: str
) -> None:
    """Every award form to a numbered decision; each stage a named, completed flow run with its artifact."""
    Scenario(flows_ctx, clock, EXAMPLES / "quang-binh", lambda _line: None).run()
    issued = [
        (d.number_text, d.award_form) for d in decisions.list_decisions(flows_ctx) if d.status == "issued"
    ]
    assert issued == [
        ("162/QĐ-UBND", "bang_khen_tinh"),
        ("163/QĐ-UBND", "chien_si_thi_dua_tinh"),
        ("164/QĐ-UBND", "co_thi_dua_tinh"),
        ("165/QĐ-UBND", "tap_the_lao_dong_xuat_sac"),
        ("166/QĐ-UBND", "bang_khen_tinh"),
    ]
    for name in (
        "qb-khoi-hoi-dac-thu-2019-tong-ket",
        "quyet-dinh-162-qd-ubnd-2020",
        "tiep-nhan-to-trinh-1-qb-hoi-nct",
    ):
        runs = _runs(name)
        assert runs, name
        assert runs[-1].state.is_completed(), (name, runs[-1].state)
    ranking = _artifact(prefect_api, "binh-xet-1")
    assert "qb-hoi-nct" in ranking
    assert "Nguyễn Thị Thơ Mẫu" in ranking
    tally = _artifact(prefect_api, "phien-hop-1")
    assert "không có ai bỏ phiếu thế nào" in tally
    assert pending(flows_ctx) == []


def test_rerunning_a_completed_round_changes_nothing(flows_ctx: Context) -> None:
    round_id = open_round(flows_ctx, "hoi-nguoi-mu-2019")
    vote_round(flows_ctx, round_id)
    rounds.close_round(
        flows_ctx, "nct.chutich", round_id, next_chair="qb-lien-minh-htx", next_deputy="qb-hoi-chu-thap-do"
    )
    assert show_nomination(flows_ctx, 1).status == "appraisal"
    with flows_ctx.reader() as uow:
        events = uow.session.scalar(select(func.count()).select_from(m.AuditEvent))
    assert stage_flows.bloc_round(round_id=round_id) == {"endorsed": 0, "rejected": 0}
    with flows_ctx.reader() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.AuditEvent)) == events


def test_an_action_while_prefect_is_down_is_kept_and_delivered_later(
    flows_ctx: Context, clock: FixedClock, prefect_api: str
) -> None:
    clock.set(date(2020, 5, 15))
    flows_ctx.dispatcher = dispatcher("deployment")
    with temporary_settings(
        updates={PREFECT_API_URL: "http://127.0.0.1:9/api", PREFECT_CLIENT_MAX_RETRIES: 0}
    ):
        nomination_id = submit_example(flows_ctx, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    assert show_nomination(flows_ctx, nomination_id).status == "submitted"
    waiting = pending(flows_ctx)
    assert [(w.kind, w.attempts, w.completed_at) for w in waiting] == [("intake", 1, None)]
    assert waiting[0].last_error
    # The API is back: the sweep (itself a flow run) delivers the intake.
    counts = stage_flows.sweep(as_of=date(2020, 5, 15))
    assert counts["redelivered"] == 1
    assert show_nomination(flows_ctx, nomination_id).status == "appraisal"
    assert pending(flows_ctx) == []
