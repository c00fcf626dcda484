"""A decision's flow run killed with SIGKILL at random moments, then re-run: every awardee decided once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration.helpers import COUNCIL
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.services import council, decisions
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.services.nominations import submit
from thidua_workflow.services.stages import pending
from thidua_workflow.services.tasks import act_on_nomination

pytestmark = pytest.mark.slow
PDF = b"%PDF-1.4\n% stand-in\n"
AWARDEES = 150


def _ad_hoc_file(count: int) -> dict[str, object]:
    return {
        "unit": "qb-hoi-lhtn",
        "documents": [{"kind": "to_trinh", "file": "tt.pdf", "signed_by": "lhtn.chutich"}],
        "nominations": [
            {
                "nominee": {
                    "kind": "person",
                    "name": f"Trần Văn Thử Số {i}",
                    "unit": "qb-hoi-lhtn",
                    "position": "Đoàn viên",
                },
                "award_form": "bang_khen_tinh",
                "commendation_type": "ad_hoc",
                "period": {"year": 2020, "phase": "event", "event_date": "2020-04-10"},
                "achievement": "Cứu người trong lũ.",
            }
            for i in range(count)
        ],
    }


def _issued_but_not_applied(ctx: Context, clock: FixedClock) -> int:
    """A registered decision of 150 awardees whose decision stage has not run yet."""
    clock.set(date(2020, 5, 15))
    ids = submit(ctx, "lhtn.canbo", _ad_hoc_file(AWARDEES), MappingSource({"tt.pdf": PDF})).nomination_ids
    for nomination_id in ids:
        act_on_nomination(ctx, "cv.tdkt1", nomination_id, "pass")
    view = council.open_session(ctx, "tb.tdkt")
    council.record_attendance(ctx, "tb.tdkt", view.id, COUNCIL)
    council.close_session(ctx, "tb.tdkt", view.id)
    draft = decisions.list_decisions(ctx)[0]
    decisions.sign(ctx, "pct.ubnd", draft.id)
    ctx.dispatcher = lambda _ctx, _ids: None  # the decision stage waits for the flow run below
    decisions.register(ctx, "vt.ubnd", draft.id, 200)
    assert [w.kind for w in pending(ctx)] == ["decision_issued"]
    return draft.id


def _run_flow(decision_id: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    code = f"from flows.stages import decision; decision(decision_id={decision_id}, as_of='2020-05-19')"
    return subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def test_killed_decision_flow_rerun_decides_each_awardee_once(
    qb: Context, clock: FixedClock, database_url: str, prefect_api: str, tmp_path: Path
) -> None:
    decision_id = _issued_but_not_applied(qb, clock)
    env = {
        **os.environ,
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_DATA_DIR": str(tmp_path / "data"),
        "THIDUA_DISPATCH": "inline",
        "PREFECT_API_URL": prefect_api,
    }
    rng = random.Random(20200519)
    for _trial in range(10):
        process = _run_flow(decision_id, env)
        time.sleep(rng.uniform(0.5, 4.0))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(60)
    finished = _run_flow(decision_id, env)
    _out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err.decode()[-2000:]
    with qb.reader() as uow:
        s = uow.session
        decided = s.scalar(
            select(func.count()).select_from(m.Nomination).where(m.Nomination.status == "certified")
        )
        events = s.scalar(
            select(func.count()).select_from(m.AuditEvent).where(m.AuditEvent.action == "decide")
        )
        records = s.scalar(
            select(func.count()).select_from(m.AwardRecord).where(m.AwardRecord.decision_id == decision_id)
        )
        certs = s.scalar(
            select(func.count()).select_from(m.Certificate).where(m.Certificate.decision_id == decision_id)
        )
        golden = sorted(
            s.scalars(select(m.Certificate.ordinal).where(m.Certificate.decision_id == decision_id))
        )
    assert (decided, events, records, certs) == (AWARDEES, AWARDEES, AWARDEES, AWARDEES)
    assert golden == list(range(1, AWARDEES + 1))  # golden-book numbers without gaps or repeats
    assert pending(qb) == []
