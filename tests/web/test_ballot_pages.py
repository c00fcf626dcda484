"""The council's pages without a ballot secret: the secretary is told why no session opens; nothing opens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tests.integration.helpers import to_council
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import council
from thidua_workflow.services.context import Context


def test_opening_a_session_without_a_ballot_secret_says_what_to_set(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    qb.settings = qb.settings.model_copy(update={"ballot_secret": None, "ballot_secret_path": None})
    secretary = app_client("tb.tdkt")
    secretary.get("/sessions")
    response = secretary.post("/sessions/open", {"title": "Phiên họp xét khen thưởng năm 2019"})
    assert response.status_code == 503
    assert "THIDUA_BALLOT_SECRET" in response.text and "phiếu kín" in response.text
    assert council.list_sessions(qb) == []
