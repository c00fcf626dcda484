"""Regressions for what the crawler (tests/web/test_crawler.py) found: each failed before its fix.

Refusals a person reads named people by their username, the bloc by its code and the fields by the CLI's
options; people read names and Vietnamese sentences (issue 13, item 11).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from tests.integration.helpers import COUNCIL, open_round, row_counts, submit_example, to_council, vote_round
from tests.web.conftest import Browser
from tests.web.crawler import refusal_problems
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import TransitionNotAllowed
from thidua_workflow.services import council, queries, rounds
from thidua_workflow.services.context import Context
from thidua_workflow.services.workflow import attach_to_round


def test_a_refused_dossier_names_the_person_not_their_username(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    dossier = queries.list_nominations(qb, unit="qb-hoi-nguoi-mu")[0].id
    refused = app_client("htx.canbo").get(f"/nominations/{dossier}")
    assert refused.status_code == 404  # another unit's dossier answers as a missing one (issue 14)
    assert "htx.canbo" not in refused.text
    assert f"Không tìm thấy hồ sơ đề nghị &#39;{dossier}&#39;" in refused.text
    assert not refusal_problems(refused)


def test_a_written_ballot_for_a_present_member_names_them(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    to_council(qb, "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(qb, "tb.tdkt")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL)
    secretary = app_client("tb.tdkt")
    secretary.get(f"/sessions/{view.id}")
    before = row_counts(qb)
    refused = secretary.post(f"/sessions/{view.id}/written", {"member": "ct.ubnd"})
    assert refused.status_code == 400
    assert "'ct.ubnd'" not in refused.text and "có mặt: tự bỏ phiếu" in refused.text
    assert not refusal_problems(refused)
    assert row_counts(qb) == before


def test_closing_a_round_without_next_years_officers_names_the_fields_not_the_cli_options(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    round_id = open_round(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    vote_round(qb, round_id)
    chair = app_client("nct.chutich")
    chair.get(f"/rounds/{round_id}")
    refused = chair.post(f"/rounds/{round_id}/act")
    assert refused.status_code == 400
    assert "--next-chair" not in refused.text and "trưởng khối và đơn vị phó khối năm sau" in refused.text
    assert not refusal_problems(refused)
    assert rounds.show_round(qb, round_id).status == "voting"


def test_a_dossier_for_a_round_already_voting_names_the_bloc_not_its_code(qb: Context) -> None:
    # The crawler met it when a clerk completed a returned dossier after voting had opened (item 5 makes
    # that path a late dossier); the refusal stays for any other way into a round that is voting.
    round_id = open_round(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    with qb.uow() as uow:
        nomination = uow.session.scalars(
            select(m.Nomination).where(m.Nomination.round_id == round_id)
        ).first()
        assert nomination is not None
        with pytest.raises(TransitionNotAllowed) as refused:
            attach_to_round(uow.session, qb, nomination, at=qb.clock.now())
    assert "qb-khoi-hoi-dac-thu" not in refused.value.message
    assert "Vòng bình xét của Khối thi đua các hội đặc thù kỳ năm 2019" in refused.value.message
