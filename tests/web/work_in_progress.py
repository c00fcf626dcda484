"""Work left open on top of the demo's finished 2019 cycle, so that every role has a form to send.

The demo ends with everything decided; its web app's 'today' is 07/12/2020, when the 2020 year-end
review is under way. Here it is: three units' 2020 dossiers in the bloc's 2020 round, one returned by the
chair before voting opened, one member unit voted; four ad-hoc dossiers (simplified procedure): one
passed and through a council session (its draft decision waits for the signer), one returned to its clerk,
one passed into a council session just opened, one waiting for appraisal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import COUNCIL, example, example_scores, judge_all, submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import council, rounds, tasks
from thidua_workflow.services.context import Context
from thidua_workflow.services.org import load_organisation

BLOC = "qb-khoi-hoi-dac-thu"
YEAR_END = ["hoi-chu-thap-do-2019", "hoi-luat-gia-2019", "hoi-nguoi-mu-2019"]
HOUSEHOLDS = [
    "Hộ bà Nguyễn Thị Sẻ Chia",
    "Hộ ông Lê Văn Tương Trợ",
    "Hộ bà Trần Thị Nhân Ái",
    "Hộ ông Võ Văn Đùm Bọc",
]


def _for_2020(name: str) -> dict[str, Any]:
    """An example 2019 file as the unit's 2020 file: its collective nominations, dated December 2020."""
    data = example(name)
    for document in data["documents"]:
        document["dated"] = date(2020, 12, 2)
        if "number" in document:
            document["number"] = document["number"].replace("TTr", "TTr-2020")
    data["nominations"] = [n for n in data["nominations"] if n["nominee"]["kind"] == "collective"]
    for nomination in data["nominations"]:
        nomination["period"]["year"] = 2020
        nomination["achievement"] = nomination["achievement"].replace("2019", "2020")
        for evidence in nomination.get("evidence", []):
            if "dated" in evidence:
                evidence["dated"] = date(2020, 11, 20)
    return data


def _with_2020_results() -> dict[str, Any]:
    """The organisation with each 2020 unit's 'hoàn thành xuất sắc nhiệm vụ' of 2019 and 2020 on record."""
    org = read_yaml(EXAMPLES / "quang-binh" / "org.yaml")
    names = {
        "qb-hoi-luat-gia": "Hội Luật gia tỉnh Quảng Bình",
        "qb-hoi-nguoi-mu": "Hội Người mù tỉnh Quảng Bình",
    }
    for unit, name in names.items():
        org["award_records"].append(
            {
                "nominee": {"kind": "collective", "name": name, "unit": unit},
                "title": "hoan_thanh_xuat_sac",
                "year": 2020,
                "decision": "Kết quả đánh giá, xếp loại năm 2020",
            }
        )
    return dict(org)


def _task(ctx: Context, user: str, kind: str) -> int:
    return next(t.id for t in tasks.list_tasks(ctx, user) if t.kind == kind)


def _judge_and_pass(ctx: Context, user: str) -> None:
    """The household's criterion (cần thẩm định) found met, then the dossier proposed (issue 18)."""
    task = next(t for t in tasks.list_tasks(ctx, user) if t.kind == "appraise")
    judge_all(ctx, user, task.nomination_id or 0)
    tasks.act(ctx, user, task.id, "pass")


def add_work_in_progress(ctx: Context, clock: FixedClock) -> None:
    clock.set(date(2020, 11, 25))
    load_organisation(ctx, _with_2020_results())
    for i, household in enumerate(HOUSEHOLDS):
        data = example("hoi-lhtn-2020-dot-xuat")
        data["documents"][0].update(number=f"{21 + i}/TTr-HLHTN", dated=date(2020, 11, 10))
        data["nominations"][0]["nominee"]["name"] = household
        data["nominations"][0]["period"]["event_date"] = date(2020, 10, 20)
        submit_example(ctx, "hoi-lhtn-2020-dot-xuat", data)
    clock.set(date(2020, 11, 27))
    _judge_and_pass(ctx, "cv.tdkt1")
    tasks.act(ctx, "tb.tdkt", _task(ctx, "tb.tdkt", "session_open"), "open")
    session_id = council.list_sessions(ctx)[-1].id
    council.record_attendance(ctx, "tb.tdkt", session_id, COUNCIL)
    close = _task(ctx, "tb.tdkt", "session_close")
    tasks.act(ctx, "tb.tdkt", close, "close", tasks.Payload(proposal_ref="55/TTr-SNV"))
    clock.set(date(2020, 12, 2))
    tasks.act(
        ctx,
        "cv.tdkt1",
        _task(ctx, "cv.tdkt1", "appraise"),
        "return",
        tasks.Payload(comment="Bổ sung xác nhận của chính quyền địa phương."),
    )
    _judge_and_pass(ctx, "cv.tdkt2")
    tasks.act(ctx, "tb.tdkt", _task(ctx, "tb.tdkt", "session_open"), "open")
    for name in YEAR_END:
        submit_example(ctx, name, _for_2020(name))
    clock.set(date(2020, 12, 4))
    round_id = rounds.find_round(ctx, BLOC, "2020")
    ids = [n["id"] for n in rounds.show_round(ctx, round_id).nominations]
    rounds.return_dossier(ctx, "htx.chutich", ids[-1], "Bổ sung biên bản họp xét năm 2020.")
    rounds.open_voting(ctx, "htx.chutich", round_id)
    scores = example_scores("hoi-nct")
    tasks.act(
        ctx,
        "nct.chutich",
        _task(ctx, "nct.chutich", "round_vote"),
        "vote",
        tasks.Payload(scores=scores, approve=set(ids[:-1])),
    )
    clock.set(date(2020, 12, 7))
