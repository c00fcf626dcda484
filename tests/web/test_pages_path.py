"""A nomination's whole path through the web pages, each person in their own signed-in session."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import QB_NOMINATIONS, example, submit_example
from tests.web.conftest import Browser
from thidua_workflow import demo
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import council, decisions, queries, rounds
from thidua_workflow.services import lookup as lookup_service
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.context import Context

BLOC = "qb-khoi-hoi-dac-thu"


def evidence(name: str) -> tuple[str, bytes, str]:
    path = QB_NOMINATIONS / name
    return (path.name, path.read_bytes(), "application/pdf")


def test_a_nomination_goes_from_the_clerks_form_to_a_verified_certificate(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clerk of Hội Người mù submits the unit's list through the upload page, with its files.
    clerk = app_client("mu.canbo")
    page = clerk.get("/nominations/upload")
    assert "Nộp danh sách đề nghị từ tệp" in page.text
    data = example("hoi-nguoi-mu-2019")
    files = {doc["file"] for doc in data["documents"]} | {
        e["file"] for n in data["nominations"] for e in n.get("evidence", [])
    }
    listing = (QB_NOMINATIONS / "hoi-nguoi-mu-2019.yaml").read_bytes()
    # The YAML names files by their relative paths; the upload carries them by file name.
    for name in files:
        listing = listing.replace(name.encode(), name.rsplit("/", 1)[-1].encode())
    response = clerk.post(
        "/nominations/upload",
        files=[("list_file", ("hoi-nguoi-mu-2019.yaml", listing, "application/yaml"))]
        + [("files", evidence(name)) for name in sorted(files)],
    )
    assert response.status_code == 303, response.text
    assert "Đã nộp tờ trình" in clerk.get("/nominations").text
    mine = queries.list_nominations(qb, unit="qb-hoi-nguoi-mu")
    assert {n.nominee for n in mine} == {"Hội Người mù tỉnh Quảng Bình", "Trần Văn Sáng Kiến"}
    collective = next(n.id for n in mine if n.nominee_kind == "collective")

    # The other units submit from the CLI's service: the round's other dossiers.
    for name in ("hoi-nguoi-cao-tuoi-2019", "lien-minh-htx-2019", "hoi-chu-thap-do-2019"):
        submit_example(qb, name)
    round_id = rounds.find_round(qb, BLOC, "2019")

    # The chair opens voting from the round page.
    clock.set(date(2019, 12, 17))
    chair = app_client("nct.chutich")
    assert "Mở bỏ phiếu" in chair.get(f"/rounds/{round_id}").text
    assert chair.post(f"/rounds/{round_id}/act").status_code == 303

    # Hội Người mù's representative scores and votes on the page; its own nominations have no vote button.
    clock.set(date(2019, 12, 19))
    rep = app_client("mu.chutich")
    page = rep.get(f"/rounds/{round_id}")
    assert "Hồ sơ của đơn vị bạn — không bỏ phiếu" in page.text
    view = rounds.show_round(qb, round_id)
    sheet = read_yaml(EXAMPLES / "quang-binh" / "round-2019" / "hoi-nguoi-mu.yaml")
    form: dict[str, object] = {
        f"score__{unit}__{code}": points for unit, row in sheet.items() for code, points in row.items()
    }
    others = [n["id"] for n in view.nominations if n["unit"] != "qb-hoi-nguoi-mu"]
    form |= {f"vote__{i}": "yes" for i in others}
    assert not any(f'name="vote__{n}"' in page.text for n in (collective,))
    response = rep.post(f"/rounds/{round_id}/act", form)
    assert response.status_code == 303, response.text
    assert "đã bỏ phiếu đủ" in rep.get(f"/rounds/{round_id}").text
    # The other representatives vote through the task service, as the CLI does.
    for unit, (user, sheet_name) in demo.REPRESENTATIVES.items():
        if unit == "qb-hoi-nguoi-mu":
            continue
        own = {n.id for n in queries.list_nominations(qb, unit=unit)}
        scores = read_yaml(EXAMPLES / "quang-binh" / "round-2019" / f"{sheet_name}.yaml")
        task = next(t for t in task_service.list_tasks(qb, user) if t.kind == "round_vote")
        task_service.act(
            qb,
            user,
            task.id,
            "vote",
            task_service.Payload(scores=scores, approve={n["id"] for n in view.nominations} - own),
        )

    # The chair sees the ranking and closes the round.
    clock.set(date(2019, 12, 20))
    page = chair.get(f"/rounds/{round_id}")
    assert "Kết thúc bình xét" in page.text and "Điểm bình quân" in page.text
    response = chair.post(
        f"/rounds/{round_id}/act", {"next_chair": "qb-lien-minh-htx", "next_deputy": "qb-hoi-chu-thap-do"}
    )
    assert response.status_code == 303, response.text
    assert rounds.show_round(qb, round_id).status == "closed"

    # The appraiser sees the checks with their articles and passes every dossier at once.
    clock.set(date(2020, 1, 8))
    appraiser = app_client("cv.tdkt1")
    detail = appraiser.get(f"/nominations/{collective}")
    assert "Điều kiện, tiêu chuẩn" in detail.text and "Điều" in detail.text
    inbox = appraiser.get("/")
    chosen = [int(x) for x in re.findall(r'name="task" value="(\d+)"', inbox.text)]
    assert collective in {t.nomination_id for t in task_service.list_tasks(qb, "cv.tdkt1")}
    response = appraiser.post("/tasks/bulk", {"task": chosen, "decision": "pass"})
    assert response.status_code == 303
    assert f"Đã thông qua thẩm định {len(chosen)} hồ sơ" in appraiser.get("/").text

    # The secretary opens the session, records attendance and a written ballot; members vote in secret.
    clock.set(date(2020, 1, 15))
    secretary = app_client("tb.tdkt")
    assert (
        secretary.post("/sessions/open", {"title": "Phiên họp xét khen thưởng năm 2019"}).status_code == 303
    )
    session_id = council.list_sessions(qb)[-1].id
    present = [u for u in demo.COUNCIL if u not in demo.ABSENT]
    assert secretary.post(f"/sessions/{session_id}/attendance", {"present": present}).status_code == 303
    items = [i["nomination"] for i in council.show_session(qb, session_id).items if i["needs_vote"]]
    ballot = {f"ballot__{i}": "yes" for i in items}
    for member in present:
        voter = app_client(member)
        assert "Phiếu kín của bạn" in voter.get(f"/sessions/{session_id}").text
        assert voter.post(f"/sessions/{session_id}/vote", ballot).status_code == 303
    for member in demo.ABSENT:
        response = secretary.post(f"/sessions/{session_id}/written", {"member": member, **ballot})
        assert response.status_code == 303, response.text
    page = secretary.get(f"/sessions/{session_id}")
    assert "Đã bỏ phiếu: 11" in page.text
    response = secretary.post(f"/sessions/{session_id}/close", {"proposal": "12/TTr-SNV"})
    assert response.status_code == 303, response.text

    # The signer previews the draft as PDF and signs; the registrar numbers it.
    clock.set(date(2020, 1, 20))
    draft = next(d for d in decisions.list_decisions(qb) if d.award_form == "bang_khen_tinh")
    signer = app_client("pct.ubnd")
    preview = signer.get(f"/decisions/{draft.id}/preview.pdf")
    assert preview.headers["content-type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    assert "Ký quyết định" in signer.get(f"/decisions/{draft.id}").text
    assert signer.post(f"/decisions/{draft.id}/act", {"decision": "sign"}).status_code == 303
    clock.set(date(2020, 1, 21))
    registrar = app_client("vt.ubnd")
    registrar.get(f"/decisions/{draft.id}")
    response = registrar.post(f"/decisions/{draft.id}/act", {"decision": "register", "number": "162"})
    assert response.status_code == 303, response.text

    # The registrar downloads the certificate; its code verifies as genuine on the public page.
    page = registrar.get(f"/decisions/{draft.id}")
    links = re.findall(rf'href="(/decisions/{draft.id}/files/[0-9a-f]+)">(bang-[^<]+)<', page.text)
    assert links, page.text
    pdf = registrar.get(links[0][0])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in pdf.headers["content-disposition"]
    from thidua_workflow.certificates.verification import code_in_pdf

    code = code_in_pdf(pdf.content)
    assert code is not None
    anyone = app_client()
    verdict = anyone.get(f"/verify/{code}")
    assert verdict.status_code == 200 and "Bằng thật" in verdict.text
    lookup = anyone.get("/tra-cuu", params={"name": "hoi nguoi mu quang binh"})
    assert "Hội Người mù tỉnh Quảng Bình" in lookup.text and "162/QĐ-UBND" in lookup.text
    assert "1 kết quả." in lookup.text and "kết quả đầu tiên" not in lookup.text
    monkeypatch.setattr(lookup_service, "MAX_ROWS", 0)  # more match than a page holds: it says so
    capped = anyone.get("/tra-cuu", params={"name": "hoi nguoi mu quang binh"})
    assert "Đang hiện 0 kết quả đầu tiên; còn kết quả khác khớp tìm kiếm." in capped.text
