"""The ballot secret and the sealed ballots: refused without a usable secret, with another machine's secret,
or when a sealed ballot was tampered with — each time with its reason, and nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import SecretStr
from sqlalchemy import delete, func, select, update

from tests.integration.helpers import COUNCIL, to_council
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain.enums import Choice
from thidua_workflow.errors import Conflict
from thidua_workflow.services import council
from thidua_workflow.services.ballots import BallotSecretMissing
from thidua_workflow.services.context import Context

FLAG, CSTD = 1, 4
BALLOT = {FLAG: Choice.YES, CSTD: Choice.NO}


@pytest.fixture
def ready(qb: Context, clock: FixedClock) -> Context:
    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    return qb


def _count(ctx: Context, model: type[m.Base]) -> int:
    with ctx.reader() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _with(ctx: Context, **settings: object) -> None:
    ctx.settings = ctx.settings.model_copy(update=settings)


def test_no_session_opens_without_a_ballot_secret(ready: Context) -> None:
    _with(ready, ballot_secret=None, ballot_secret_path=None)
    with pytest.raises(BallotSecretMissing, match="THIDUA_BALLOT_SECRET"):
        council.open_session(ready, "tb.tdkt")
    _with(ready, ballot_secret=SecretStr("too short"))
    with pytest.raises(BallotSecretMissing, match="quá ngắn"):
        council.open_session(ready, "tb.tdkt")
    assert _count(ready, m.CouncilSession) == 0


def test_a_secret_file_beside_the_database_is_refused(
    ready: Context, tmp_path_factory: pytest.TempPathFactory
) -> None:
    inside = ready.settings.data_dir / "ballot.key"
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.write_text("x" * 64)
    _with(ready, ballot_secret=None, ballot_secret_path=inside)
    with pytest.raises(BallotSecretMissing, match="cùng thư mục với cơ sở dữ liệu"):
        council.open_session(ready, "tb.tdkt")
    outside = tmp_path_factory.mktemp("ballot-secret") / "elsewhere" / "ballot.key"
    _with(ready, ballot_secret_path=outside)
    with pytest.raises(BallotSecretMissing, match="Không đọc được tệp khóa"):
        council.open_session(ready, "tb.tdkt")
    outside.parent.mkdir()
    outside.write_text("y" * 64 + "\n")
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[:9])
    council.cast_ballot(ready, COUNCIL[0], view.id, BALLOT)
    assert _count(ready, m.SealedBallot) == 1


def test_another_secret_seals_nothing_and_opens_nothing(ready: Context) -> None:
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[:9])
    council.cast_ballot(ready, COUNCIL[0], view.id, BALLOT)
    right = ready.settings.ballot_secret
    _with(ready, ballot_secret=SecretStr("another machine's secret, long enough to pass"))
    with pytest.raises(BallotSecretMissing, match="khác khóa dùng khi mở phiên"):
        council.cast_ballot(ready, COUNCIL[1], view.id, BALLOT)
    with pytest.raises(BallotSecretMissing, match="khác khóa dùng khi mở phiên"):
        council.enter_written_ballot(ready, "tb.tdkt", view.id, COUNCIL[9], BALLOT)
    assert _count(ready, m.SealedBallot) == 1
    assert council.show_session(ready, view.id).voted == 1
    _with(ready, ballot_secret=right)
    for member in COUNCIL[1:9]:
        council.cast_ballot(ready, member, view.id, BALLOT)
    _with(ready, ballot_secret=SecretStr("another machine's secret, long enough to pass"))
    with pytest.raises(BallotSecretMissing):
        council.close_session(ready, "tb.tdkt", view.id)
    assert council.show_session(ready, view.id).status == "open"
    _with(ready, ballot_secret=right)
    result = council.close_session(ready, "tb.tdkt", view.id)
    assert {i["nomination"]: (i["yes"], i["no"]) for i in result["items"] if i["needs_vote"]} == {
        FLAG: (9, 0),
        CSTD: (0, 9),
    }
    assert _count(ready, m.SealedBallot) == 0


def test_a_tampered_or_missing_ballot_stops_the_count(ready: Context) -> None:
    view = council.open_session(ready, "tb.tdkt")
    council.record_attendance(ready, "tb.tdkt", view.id, COUNCIL[:9])
    for member in COUNCIL[:9]:
        council.cast_ballot(ready, member, view.id, BALLOT)
    with ready.uow() as uow:
        first = uow.session.scalars(select(m.SealedBallot).order_by(m.SealedBallot.id)).first()
        assert first is not None
        original = first.sealed
        flipped = original[:-1] + bytes([original[-1] ^ 1])
        uow.session.execute(
            update(m.SealedBallot).where(m.SealedBallot.id == first.id).values(sealed=flipped)
        )
        uow.commit()
    with pytest.raises(Conflict, match="không mở được"):
        council.close_session(ready, "tb.tdkt", view.id)
    with ready.uow() as uow:
        uow.session.execute(delete(m.SealedBallot).where(m.SealedBallot.id == first.id))
        uow.commit()
    with pytest.raises(Conflict, match="8 phiếu kín nhưng 9 thành viên"):
        council.close_session(ready, "tb.tdkt", view.id)
    shown = council.show_session(ready, view.id)
    assert shown.status == "open" and all("yes" not in i for i in shown.items)
