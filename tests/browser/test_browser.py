"""The whole path in a real browser (Debian's chromium, driven by Playwright), with a screenshot of each page.

A clerk submits with the form, a bloc member scores and votes, the chair closes, an appraiser passes,
council members vote in secret, the signer signs, the registrar downloads a certificate, and the public
verify page says genuine. The walk is at an office PC's width (1280 px); every page of it is also shown at
a phone's (390 px), where it must not scroll sideways. Screenshots go to build/screenshots/
(THIDUA_SCREENSHOTS to change it), both widths side by side, named "NN-page-1280px.png" and
"NN-page-390px.png", with the downloaded certificate's first page beside them; docs/ shows a chosen few.
"""

from __future__ import annotations

import os
import struct
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright import sync_api as playwright_sync

from flows.inline import run_inline
from tests.browser.chromium import DESKTOP, LAUNCH_ARGS, PHONE, overflow, require_chromium, serve, widest
from tests.conftest import EXAMPLES, ROOT, read_yaml
from tests.integration.helpers import QB_NOMINATIONS, submit_example
from thidua_workflow import demo
from thidua_workflow.certificates.verification import code_in_pdf
from thidua_workflow.clock import FixedClock
from thidua_workflow.services import accounts, council, queries, rounds
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.org import load_organisation
from thidua_workflow.settings import Settings

SHOTS = Path(os.environ.get("THIDUA_SCREENSHOTS", ROOT / "build" / "screenshots"))
PASSWORD = "mat-khau-trinh-duyet"
BLOC = "qb-khoi-hoi-dac-thu"


@pytest.fixture
def served(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[str, Context]]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'thidua.db'}")
    ctx = bootstrap(settings, clock=clock, dispatcher=run_inline)
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    try:
        with serve(ctx) as base:
            yield base, ctx
    finally:
        ctx.close()


def certificate_shot(pdf: Path, png: Path) -> None:
    """The downloaded certificate as the awardee sees it (chromium shows no PDF when headless): its first
    page drawn by poppler's pdftoppm, which must come out as an A3 landscape sheet."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(png.with_suffix("")),
        ],
        check=True,
        capture_output=True,
    )
    header = png.read_bytes()[:24]
    assert header.startswith(b"\x89PNG\r\n\x1a\n"), "pdftoppm wrote a PNG"
    width, height = struct.unpack(">II", header[16:24])
    assert round(width / height, 2) == round(420 / 297, 2), f"A3 landscape, got {width}×{height} px"


def test_the_whole_path_in_a_browser(served: tuple[str, Context], clock: FixedClock) -> None:
    chromium = require_chromium()
    base, ctx = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    shot_number = iter(range(1, 100))

    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=LAUNCH_ARGS,
        )
        context = browser.new_context(viewport=DESKTOP, locale="vi-VN", accept_downloads=True)
        page = context.new_page()
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

        too_wide: list[str] = []

        def shot(name: str) -> None:
            """The page at desktop width, then the same page at a phone's width, which must not scroll
            sideways; the walk goes on at desktop width."""
            number = next(shot_number)
            page.screenshot(path=str(SHOTS / f"{number:02d}-{name}-{DESKTOP['width']}px.png"), full_page=True)
            page.set_viewport_size(PHONE)
            extra = overflow(page)
            if extra:
                too_wide.append(f"{name}: +{extra} px at {PHONE['width']} px, {widest(page)}")
            page.screenshot(path=str(SHOTS / f"{number:02d}-{name}-{PHONE['width']}px.png"), full_page=True)
            page.set_viewport_size(DESKTOP)

        def sign_in(username: str) -> None:
            accounts.set_password(ctx, username, PASSWORD)
            context.clear_cookies()
            page.goto(f"{base}/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")

        # 1. A clerk of Hội Người mù fills in the nomination form with its files.
        sign_in("mu.canbo")
        shot("viec-can-xu-ly-can-bo")
        page.click("text=Lập đề nghị khen thưởng")
        evidence = QB_NOMINATIONS / "evidence" / "hoi-nguoi-mu"
        page.fill("input[name=to_trinh_number]", "31/TTr-HNM")
        page.fill("input[name=to_trinh_date]", "03/12/2019")
        page.select_option("select[name=to_trinh_signer]", "mu.chutich")
        page.set_input_files("input[name=to_trinh_file]", str(evidence / "to-trinh-2019.pdf"))
        page.set_input_files("input[name=bien_ban_file]", str(evidence / "bien-ban-2019.pdf"))
        page.fill("input[name=bien_ban_date]", "29/11/2019")
        page.select_option("select[name=kind]", "collective")
        page.fill("input[name=name]", "Hội Người mù tỉnh Quảng Bình")
        page.select_option("select[name=award_form]", "bang_khen_tinh")
        page.fill("input[name=year]", "2019")
        page.fill("input[name=movement]", "2 vượt, 4 rèn, 5 phấn đấu")
        page.fill(
            "textarea[name=achievement]", "Đã có thành tích xuất sắc trong phong trào thi đua năm 2019."
        )
        page.set_input_files("input[name=evidence_file]", str(evidence / "bao-cao-tap-the-2019.pdf"))
        page.fill("input[name=evidence_date]", "20/11/2019")
        shot("lap-de-nghi")
        page.click("button:has-text('Nộp hồ sơ')")
        page.wait_for_selector(".flash, .error-box")
        assert not page.is_visible(".error-box"), page.inner_text(".error-box")
        assert page.is_visible(".lead .status"), "the dossier page shows its status"
        shot("ho-so-da-nop")
        nomination = queries.list_nominations(ctx, unit="qb-hoi-nguoi-mu")[0].id

        # The bloc's other units submit from the CLI's service.
        for name in ("hoi-nguoi-cao-tuoi-2019", "lien-minh-htx-2019", "hoi-chu-thap-do-2019"):
            submit_example(ctx, name)
        round_id = rounds.find_round(ctx, BLOC, "2019")

        # 2. The chair opens voting; then, as Hội Người cao tuổi's representative, scores and votes.
        clock.set(date(2019, 12, 17))
        sign_in("nct.chutich")
        page.goto(f"{base}/rounds/{round_id}")
        page.click("button:has-text('Mở bỏ phiếu')")
        page.wait_for_selector("text=Đã xử lý")
        clock.set(date(2019, 12, 19))
        sign_in("nct.chutich")  # two days later: the session has ended, the chair signs in again
        sheet = read_yaml(EXAMPLES / "quang-binh" / "round-2019" / "hoi-nct.yaml")
        page.goto(f"{base}/rounds/{round_id}")
        for unit, row in sheet.items():
            for code, points in row.items():
                page.fill(f"input[name=score__{unit}__{code}]", str(points))
        for radio in page.query_selector_all("input[type=radio][value=yes]"):
            radio.check()
        shot("binh-xet-cham-diem-bo-phieu")
        page.click("button:has-text('Gửi phiếu')")
        page.wait_for_selector("text=đã bỏ phiếu đủ")
        view = rounds.show_round(ctx, round_id)
        for unit, (user, sheet_name) in demo.REPRESENTATIVES.items():
            if unit == "qb-hoi-nct":
                continue
            own = {n.id for n in queries.list_nominations(ctx, unit=unit)}
            scores = read_yaml(EXAMPLES / "quang-binh" / "round-2019" / f"{sheet_name}.yaml")
            task = next(t for t in task_service.list_tasks(ctx, user) if t.kind == "round_vote")
            task_service.act(
                ctx,
                user,
                task.id,
                "vote",
                task_service.Payload(scores=scores, approve={n["id"] for n in view.nominations} - own),
            )

        # 3. The chair sees ranking, votes and quota, and closes the round.
        clock.set(date(2019, 12, 20))
        sign_in("nct.chutich")
        page.goto(f"{base}/rounds/{round_id}")
        page.select_option("select[name=next_chair]", "qb-lien-minh-htx")
        page.select_option("select[name=next_deputy]", "qb-hoi-chu-thap-do")
        shot("binh-xet-xep-hang-ket-thuc")
        page.click("button:has-text('Kết thúc bình xét')")
        page.wait_for_selector("text=Đã xử lý")
        shot("binh-xet-da-ket-thuc")

        # 4. An appraiser reads the checks; going on leave, delegates the appraisals to the Ban's head
        # (issue 22), who passes the complete dossiers at once, for the appraiser.
        clock.set(date(2020, 1, 8))
        sign_in("cv.tdkt1")
        page.goto(f"{base}/nominations/{nomination}")
        assert page.is_visible("text=Điều kiện, tiêu chuẩn")
        shot("tham-dinh-ho-so")
        page.goto(f"{base}/delegations")
        page.select_option("select[name=role]", "appraiser")
        page.select_option("select[name=to]", "tb.tdkt")
        page.fill("input[name=starts_on]", "08/01/2020")
        page.fill("input[name=ends_on]", "10/01/2020")
        page.fill("main form[action='/delegations'] input[name=reason]", "Nghỉ phép năm.")
        page.click("button:has-text('Ủy quyền')")
        page.wait_for_selector("text=Đã ủy quyền")
        shot("uy-quyen")
        sign_in("tb.tdkt")
        assert page.is_visible("text=Ủy quyền: thay Hoàng Văn Giả Định")
        for box in page.query_selector_all("input[name=task]"):
            box.check()
        shot("tham-dinh-hang-loat-nguoi-duoc-uy-quyen")
        page.click("button:has-text('Thông qua thẩm định các hồ sơ đã chọn')")
        page.wait_for_selector("text=Đã thông qua thẩm định")
        page.goto(f"{base}/nominations/{nomination}")
        assert page.is_visible("text=thay Hoàng Văn Giả Định")
        shot("dien-bien-thuc-hien-thay")
        page.click("text=Nhật ký để in")
        assert page.is_visible("text=Hoàng Văn Giả Định (cv.tdkt1)")
        shot("nhat-ky-ho-so")

        # 5. The secretary opens the session and takes attendance; a member votes by secret ballot.
        clock.set(date(2020, 1, 15))
        sign_in("tb.tdkt")
        page.goto(f"{base}/sessions")
        page.click("button:has-text('Mở phiên họp')")
        page.wait_for_selector("text=Đã mở phiên họp")
        session_id = council.list_sessions(ctx)[-1].id
        present = [u for u in demo.COUNCIL if u not in demo.ABSENT]
        for username in present:
            page.check(f"input[name=present][value='{username}']")
        page.click("button:has-text('Ghi điểm danh')")
        page.wait_for_selector("text=thành viên có mặt")
        shot("diem-danh")
        sign_in("gd.snv")
        page.goto(f"{base}/sessions/{session_id}")
        shot("phieu-kin")
        # Nothing is ticked for the member: each choice is theirs to make.
        assert not page.query_selector_all("input[type=radio][name^=ballot__]:checked")
        for radio in page.query_selector_all("input[type=radio][name^=ballot__][value=yes]"):
            radio.check()
        page.click("button:has-text('Bỏ phiếu')")
        page.wait_for_selector("text=Đã ghi phiếu kín")
        items = [i["nomination"] for i in council.show_session(ctx, session_id).items if i["needs_vote"]]
        from thidua_workflow.domain.enums import Choice

        for member in present:
            if member != "gd.snv":
                council.cast_ballot(ctx, member, session_id, dict.fromkeys(items, Choice.YES))
        for member in demo.ABSENT:
            council.enter_written_ballot(ctx, "tb.tdkt", session_id, member, dict.fromkeys(items, Choice.YES))
        sign_in("tb.tdkt")
        page.goto(f"{base}/sessions/{session_id}")
        page.fill("input[name=proposal]", "12/TTr-SNV")
        page.click("button:has-text('Kết thúc và kiểm phiếu')")
        page.wait_for_selector("text=Đã kiểm phiếu")
        shot("kiem-phieu")

        # 6. The signer previews the draft and signs; the registrar numbers it and downloads a certificate.
        clock.set(date(2020, 1, 20))
        from thidua_workflow.services import decisions

        draft = next(d for d in decisions.list_decisions(ctx) if d.award_form == "bang_khen_tinh")
        sign_in("pct.ubnd")
        page.goto(f"{base}/decisions/{draft.id}")
        shot("ky-quyet-dinh")
        preview = page.request.get(f"{base}/decisions/{draft.id}/preview.pdf")
        assert preview.ok and preview.body().startswith(b"%PDF")
        page.click("button:has-text('Ký quyết định')")
        page.wait_for_selector("text=Đã xử lý")
        clock.set(date(2020, 1, 21))
        sign_in("vt.ubnd")
        page.goto(f"{base}/decisions/{draft.id}")
        page.fill("input[name=number]", "162")
        page.click("button:has-text('Vào sổ, cấp số')")
        page.wait_for_selector("text=Tệp in đã cấp")
        shot("tai-bang-khen")
        with page.expect_download() as info:
            page.click("a:has-text('bang-001')")
        downloaded = Path(info.value.path())
        code = code_in_pdf(downloaded.read_bytes())
        assert code is not None
        certificate_shot(downloaded, SHOTS / f"{next(shot_number):02d}-bang-khen-a3.png")

        # The Ban's dashboard (issue 22): counts taken on demand, charts drawn on the server, the bell.
        sign_in("tb.tdkt")
        page.goto(f"{base}/dashboard")
        page.click("button:has-text('Tính lại số liệu')")
        page.wait_for_selector("text=Đã tính lại số liệu")
        page.goto(f"{base}/dashboard?year=2019")
        assert page.is_visible("svg.chart") and page.is_visible("text=Việc đang chờ ai")
        shot("bang-theo-doi")
        export = page.request.get(f"{base}/dashboard.xlsx?year=2019")
        assert export.ok and export.body().startswith(b"PK")
        page.click("a.bell")
        assert page.is_visible("text=Được ủy quyền")
        shot("thong-bao")

        # 7. Anyone scanning the QR code gets the public verify page: genuine.
        context.clear_cookies()
        page.goto(f"{base}/verify/{code}")
        assert page.is_visible("text=Bằng thật")
        shot("xac-thuc-bang")
        page.goto(f"{base}/tra-cuu?name=hoi+nguoi+mu")
        assert page.is_visible("text=Hội Người mù tỉnh Quảng Bình")
        shot("tra-cuu")
        browser.close()
    assert not console_errors, console_errors  # no blocked script, style or missing file
    assert not too_wide, "pages wider than a phone:\n" + "\n".join(too_wide)
