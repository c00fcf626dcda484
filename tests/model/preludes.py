"""Where an example may start: the organisation only, or further along the 2019 cycle (as the demo plays
it), so that a bounded run spends its steps on appraisal, the council and signing too, not only on
getting there. Each prelude runs once per test session into a template database."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

from tests.integration.helpers import COUNCIL, appraise_all, close_round, submit_example, vote_round
from tests.model.machine import COMPLETED, SOURCE
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.enums import Choice
from thidua_workflow.services import council, decisions, nominations, rounds, tasks
from thidua_workflow.services.context import Context

FILES_2019 = [
    "hoi-nguoi-cao-tuoi-2019",
    "hoi-nguoi-mu-2019",
    "lien-minh-htx-2019",
    "hoi-chu-thap-do-2019",
    "hoi-nha-bao-2019",
    "hoi-vhnt-2019",
    "hoi-luat-gia-2019",
]
ABSENT = ["gd.sgddt", "ct.hoinongdan"]


def _appraisal(ctx: Context, clock: FixedClock) -> None:
    """The bloc's round played and closed: the endorsed nominations await appraisal (8 January 2020)."""
    clock.set(date(2019, 12, 5))
    ids = {name: submit_example(ctx, name).nomination_ids for name in FILES_2019}
    clock.set(date(2019, 12, 10))
    rounds.return_dossier(ctx, "nct.chutich", ids["hoi-nha-bao-2019"][0], "Thành tích chưa cụ thể.")
    nominations.withdraw(ctx, "luatgia.canbo", ids["hoi-luat-gia-2019"][0], "Đơn vị xin rút.")
    clock.set(date(2019, 12, 16))
    payload = tasks.Payload(dossier=copy.deepcopy(COMPLETED), source=SOURCE)
    tasks.act_on_nomination(ctx, "nhabao.canbo", ids["hoi-nha-bao-2019"][0], "resubmit", payload)
    clock.set(date(2019, 12, 17))
    round_id = rounds.find_round(ctx, "qb-khoi-hoi-dac-thu", "2019")
    rounds.open_voting(ctx, "nct.chutich", round_id)
    clock.set(date(2019, 12, 19))
    vote_round(ctx, round_id, against={ids["hoi-vhnt-2019"][0]})
    clock.set(date(2019, 12, 20))
    close_round(ctx, round_id)
    clock.set(date(2020, 1, 8))


def _council(ctx: Context, clock: FixedClock) -> None:
    """Appraisal passed: the nominations await the council (15 January 2020)."""
    _appraisal(ctx, clock)
    appraise_all(ctx)
    clock.set(date(2020, 1, 15))


def _drafts(ctx: Context, clock: FixedClock) -> None:
    """The council voted: draft decisions await their signers (20 January 2020)."""
    _council(ctx, clock)
    session_id = council.open_session(ctx, "tb.tdkt").id
    council.record_attendance(ctx, "tb.tdkt", session_id, [u for u in COUNCIL if u not in ABSENT])
    items = [i["nomination"] for i in council.show_session(ctx, session_id).items if i["needs_vote"]]
    for member in COUNCIL:
        choices = dict.fromkeys(items, Choice.YES)
        if member in ABSENT:
            council.enter_written_ballot(ctx, "tb.tdkt", session_id, member, choices)
        else:
            council.cast_ballot(ctx, member, session_id, choices)
    council.close_session(ctx, "tb.tdkt", session_id, proposal_ref="12/TTr-SNV")
    clock.set(date(2020, 1, 20))
    assert decisions.list_decisions(ctx)


PRELUDES: dict[str, Callable[[Context, FixedClock], None]] = {
    "appraisal": _appraisal,
    "council": _council,
    "drafts": _drafts,
}
