"""After the 2025 merger the former Chairman of Quảng Bình signs in, but the web and the API refuse him
the new province's work: his authority ended with his body on 30/6/2025. A draft of the new province is
no longer his to see, so it answers as a missing one would (no 403-vs-404 oracle)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.integration.helpers import COUNCIL_QT, in_flight_2025
from tests.web.conftest import Browser
from tests.web.test_api import bearer
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import council, decisions
from thidua_workflow.services.context import Context
from thidua_workflow.services.tasks import list_tasks


def test_the_former_chairman_is_refused_on_the_web_and_the_api(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    in_flight_2025(qb, clock)
    clock.set(date(2025, 12, 17))
    view = council.open_session(qb, "tb.tdkt.qt")
    council.record_attendance(qb, "tb.tdkt.qt", view.id, COUNCIL_QT)
    council.close_session(qb, "tb.tdkt.qt", view.id, proposal_ref="215/TTr-SNV")
    clock.set(date(2025, 12, 18))
    (draft,) = [d for d in decisions.list_decisions(qb) if d.status == "draft"]
    (task,) = [t for t in list_tasks(qb, "ct.ubnd.qt") if t.decision_id == draft.id]

    old = app_client("ct.ubnd")
    assert old.get(f"/decisions/{draft.id}").status_code == 404
    refused = old.post(f"/decisions/{draft.id}/act", {"decision": "sign"})
    assert refused.status_code == 400 and "không có việc nào" in refused.text
    api = old.client
    headers = bearer(qb, "ct.ubnd")
    assert api.get("/api/me", headers=headers).json()["grants"] == []
    assert (
        api.post(f"/api/tasks/{task.id}/act", json={"decision": "sign"}, headers=headers).status_code == 404
    )
    assert api.get(f"/api/decisions/{draft.id}", headers=headers).status_code == 404
    assert decisions.show_decision(qb, draft.id).status == "draft"  # nothing changed

    new = app_client("ct.ubnd.qt")
    assert new.get(f"/decisions/{draft.id}").status_code == 200
    signed = new.post(f"/decisions/{draft.id}/act", {"decision": "sign"})
    assert signed.status_code == 303, signed.text
    assert decisions.show_decision(qb, draft.id).number_text == "01/QĐ-UBND"
