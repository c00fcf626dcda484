"""Regressions for what walking the web app as a unit's and a bloc's people found: each failed before its fix."""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Callable
from datetime import date

import httpx
from openpyxl import load_workbook
from sqlalchemy import select

from tests.integration.helpers import (
    QB_NOMINATIONS,
    blob_files,
    close_round,
    example,
    example_scores,
    open_round,
    row_counts,
    submit_example,
    vote_round,
)
from tests.web.conftest import Browser
from thidua_workflow.certificates import word
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.domain import movements as mv
from thidua_workflow.services import accounts, movements, queries
from thidua_workflow.services import nominations as nomination_service
from thidua_workflow.services.context import Context


def _problems(page: str) -> list[str]:
    """The listed problems of a refused form, as the clerk reads them."""
    start = page.index("Cần sửa")
    listing = page[start : page.index("</ul>", start)]
    return [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", listing, re.S)
    ]


def _collective(clerk: Browser, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": clerk.csrf,
        "unit": "qb-hoi-nguoi-mu",
        "kind": "collective",
        "name": "Văn phòng Hội Người mù tỉnh",
        "award_form": "tap_the_lao_dong_xuat_sac",
        "commendation_type": "regular",
        "year": "2019",
        "achievement": "Hoàn thành xuất sắc nhiệm vụ",
    }
    data.update(fields)
    return data


def test_a_collectives_member_figures_say_which_figure_is_wrong(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A clerk who filled in only "Tổng số" was told three times "Số liệu thành viên: thiếu trường bắt buộc"."""
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/new")
    before, blobs = row_counts(qb), blob_files(qb)
    refused = clerk.client.post("/nominations/new", data=_collective(clerk, members_total="12"))
    assert refused.status_code == 400
    problems = _problems(refused.text)
    assert "Số thành viên hoàn thành nhiệm vụ: thiếu trường bắt buộc" in problems
    assert "Số thành viên đạt Lao động tiên tiến: thiếu trường bắt buộc" in problems
    assert "Số thành viên đạt Chiến sĩ thi đua cơ sở: thiếu trường bắt buộc" in problems

    refused = clerk.client.post(
        "/nominations/new",
        data=_collective(
            clerk,
            members_total="abc",
            members_completed_tasks="10",
            members_lao_dong_tien_tien="8",
            members_chien_si_thi_dua_co_so="2",
            discipline_canh_cao="hai",
        ),
    )
    assert refused.status_code == 400
    problems = _problems(refused.text)
    assert "Tổng số thành viên: cần một số nguyên" in problems
    assert "Số thành viên bị kỷ luật — Cảnh cáo: cần một số nguyên" in problems

    refused = clerk.client.post(
        "/nominations/new",
        data=_collective(
            clerk,
            members_total="10",
            members_completed_tasks="12",
            members_lao_dong_tien_tien="8",
            members_chien_si_thi_dua_co_so="2",
        ),
    )
    assert refused.status_code == 400
    joined = " ".join(_problems(refused.text))
    assert "Số thành viên hoàn thành nhiệm vụ (completed_tasks) lớn hơn tổng số thành viên (10)" in joined
    assert row_counts(qb) == before and blob_files(qb) == blobs


def test_a_declared_titles_year_is_named_as_the_year(qb: Context, app_client: Callable[..., Browser]) -> None:
    """A wrong year on a "Danh hiệu đã đạt" row said only "Danh hiệu đã đạt: cần một số nguyên"."""
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/new")
    before = row_counts(qb)
    refused = clerk.client.post(
        "/nominations/new",
        data=_collective(clerk, title_1="tap_the_lao_dong_tien_tien", title_1_year="năm ngoái"),
    )
    assert refused.status_code == 400
    assert "Năm đạt danh hiệu: cần một số nguyên" in _problems(refused.text)
    refused = clerk.client.post(
        "/nominations/new",
        data=_collective(clerk, initiative_1="Sáng kiến chữ nổi", initiative_1_year="2O19"),
    )
    assert "Năm công nhận sáng kiến: cần một số nguyên" in _problems(refused.text)
    assert row_counts(qb) == before


def test_a_to_trinh_or_report_dated_after_today_is_refused(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A Tờ trình or minutes dated 31/12/2099 went through unremarked (today is 05/12/2019)."""
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/new")
    before, blobs = row_counts(qb), blob_files(qb)
    refused = clerk.client.post(
        "/nominations/new",
        data=_collective(
            clerk,
            to_trinh_number="12/TTr-HNM",
            to_trinh_date="31/12/2099",
            to_trinh_signer="mu.chutich",
            bien_ban_date="01/01/2020",
            evidence_date="06/12/2019",
        ),
        files={
            "to_trinh_file": ("to-trinh.pdf", b"%PDF-1.4 to trinh", "application/pdf"),
            "bien_ban_file": ("bien-ban.pdf", b"%PDF-1.4 bien ban", "application/pdf"),
            "evidence_file": ("bao-cao.pdf", b"%PDF-1.4 bao cao", "application/pdf"),
        },
    )
    assert refused.status_code == 400
    problems = _problems(refused.text)
    assert any(
        p.startswith("Ngày văn bản: Tờ trình ngày 31/12/2099 chưa đến (hôm nay là 05/12/2019)")
        for p in problems
    ), problems
    assert any(
        p.startswith(
            "Ngày văn bản: Biên bản họp Hội đồng thi đua của đơn vị ngày 01/01/2020 chưa đến (hôm nay là 05/12/2019)"
        )
        for p in problems
    ), problems
    # The report's date is said once, by its own rule.
    assert [p for p in problems if "06/12/2019" in p] == [
        "Điều kiện, tiêu chuẩn: báo cáo thành tích đề ngày 06/12/2019, sau ngày nộp "
        "[Báo cáo thành tích còn hiệu lực; Quy định của tỉnh về hồ sơ khen thưởng]"
    ], problems
    assert row_counts(qb) == before and blob_files(qb) == blobs


def test_files_a_mac_uploads_under_decomposed_vietnamese_names_are_found_and_kept_in_nfc(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A Mac sends "Biên bản.pdf" decomposed (NFD): the list named it composed, so the upload said the file was
    missing; on the form the name was stored decomposed and no search for "Biên bản" found it."""
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/upload")
    data = example("hoi-nguoi-mu-2019")
    paths = sorted(
        {doc["file"] for doc in data["documents"]}
        | {e["file"] for n in data["nominations"] for e in n.get("evidence", [])}
    )
    listing = (QB_NOMINATIONS / "hoi-nguoi-mu-2019.yaml").read_text(encoding="utf-8")
    renamed = {path: f"Tệp đính kèm số {i} — Biên bản.pdf" for i, path in enumerate(paths, start=1)}
    for path, name in renamed.items():
        listing = listing.replace(path, name)
    response = clerk.post(
        "/nominations/upload",
        files=[("list_file", ("danh-sach.yaml", listing.encode(), "application/yaml"))]
        + [
            (
                "files",
                (unicodedata.normalize("NFD", renamed[path]), (QB_NOMINATIONS / path).read_bytes(), "x"),
            )
            for path in paths
        ],
    )
    assert response.status_code == 303, _problems(response.text)
    with qb.uow() as uow:
        stored = set(uow.session.scalars(select(m.Document.file_name)))
    assert set(renamed.values()) <= stored
    assert all(unicodedata.is_normalized("NFC", name) for name in stored)


def test_a_file_name_too_long_is_refused_in_vietnamese(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A 600-letter file name got "String should have at most 500 characters", in English."""
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/new")
    before, blobs = row_counts(qb), blob_files(qb)
    name = "b" * 600 + ".pdf"
    refused = clerk.client.post(
        "/nominations/new",
        data=_collective(clerk, evidence_date="01/12/2019"),
        files={"evidence_file": (name, b"%PDF-1.4 bao cao", "application/pdf")},
    )
    assert refused.status_code == 400
    problems = _problems(refused.text)
    assert "Tệp báo cáo thành tích: dài 604 ký tự, tối đa 500" in problems, problems
    assert not any("should" in p for p in problems)
    assert row_counts(qb) == before and blob_files(qb) == blobs


def test_a_refused_score_sheet_names_the_unit_and_the_criterion(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A score over the maximum said "trường 'scores.qb-hoi-nct.khen_thuong': điểm 'khen_thuong' phải từ 0
    đến 20", and a half-filled row "thiếu tiêu chí: nhiem_vu_chinh_tri, …": codes the page never shows."""
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    rep = app_client("lhtn.chutich")
    rep.get(f"/rounds/{round_id}")
    sheet = example_scores("hoi-lhtn")
    form = {f"score__{unit}__{code}": points for unit, row in sheet.items() for code, points in row.items()}
    form["score__qb-hoi-nct__khen_thuong"] = 25
    del form["score__qb-hoi-nha-bao__xay_dung_to_chuc"]
    before = row_counts(qb)
    refused = rep.post(f"/rounds/{round_id}/act", form)
    assert refused.status_code == 400
    told = html.unescape(refused.text)
    assert (
        "Bảng điểm': Hội Người cao tuổi tỉnh Quảng Bình — điểm tiêu chí "
        "'Công tác khen thưởng và nhân rộng điển hình tiên tiến' (khen_thuong) phải từ 0 đến 20" in told
    )
    assert (
        "Hội Nhà báo tỉnh Quảng Bình — thiếu điểm tiêu chí: 'Xây dựng tổ chức hội vững mạnh' (xay_dung_to_chuc)"
        in told
    )
    assert "scores.qb-hoi-nct" not in told
    assert row_counts(qb) == before


def test_the_delegation_form_offers_only_colleagues_it_would_accept(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """Hội Người mù's clerk was offered the nine other units' clerks, each refused on "Ủy quyền" with "không
    cùng đơn vị … và không giữ vai trò"."""
    clerk = app_client("mu.canbo")
    page = clerk.get("/delegations").text
    select_to = page[page.index('name="to"') : page.index("</select>", page.index('name="to"'))]
    offered = set(re.findall(r'<option value="([^"]+)"', select_to))
    assert offered == {"mu.chutich"}
    done = clerk.post(
        "/delegations",
        {
            "role": "unit_clerk",
            "to": "mu.chutich",
            "starts_on": "05/12/2019",
            "ends_on": "20/12/2019",
            "reason": "Nghỉ phép",
        },
    )
    assert done.status_code == 303, done.text


def test_the_blocs_minutes_do_not_repeat_a_collectives_name_as_its_unit(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """The minutes proposed "Bằng khen …: Hội Người mù tỉnh Quảng Bình (Hội Người mù tỉnh Quảng Bình)"."""
    round_id = open_round(qb, "hoi-nguoi-mu-2019")
    vote_round(qb, round_id)
    close_round(qb, round_id)
    response = app_client("nct.chutich").get(f"/documents/bien-ban-khoi/{round_id}.docx")
    assert response.status_code == 200
    minutes = " ".join(" ".join(word.docx_text(response.content)).split())
    assert "Hội Người mù tỉnh Quảng Bình (Hội Người mù tỉnh Quảng Bình)" not in minutes
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: Hội Người mù tỉnh Quảng Bình" in minutes
    # Equal scores share a rank: the minutes do not put one of two units at 90 points above the other.
    assert (
        "03 Hội Chữ thập đỏ tỉnh Quảng Bình 90 9 03 Liên minh Hợp tác xã tỉnh Quảng Bình 90 9 "
        "05 Hội Nhà báo tỉnh Quảng Bình 87 9" in minutes
    )
    # A person is still placed in the unit that proposed them.
    assert "Chiến sĩ thi đua cấp tỉnh: Trần Văn Sáng Kiến (Hội Người mù tỉnh Quảng Bình)" in minutes


def _sheet_rows(response: httpx.Response) -> dict[int, tuple[object, ...]]:
    book = load_workbook(io.BytesIO(response.content)).active
    assert book is not None
    return {row[0]: row for row in book.iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)}


def test_the_chairs_sheet_while_voting_says_its_verdicts_are_provisional(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """Exported while voting, the chair's sheet said "Khối đề nghị: Không — không đạt: 0/9" as if decided;
    after closing, a dossier the unit withdrew had an empty row with no word why."""
    round_id = open_round(qb, "hoi-nguoi-mu-2019", "hoi-nguoi-cao-tuoi-2019")
    chair = app_client("nct.chutich")
    rows = _sheet_rows(chair.get(f"/rounds/{round_id}/ranking.xlsx"))
    assert rows and all(str(row[7]).startswith("Tạm tính: ") for row in rows.values()), rows
    withdrawn = min(rows)
    nomination_service.withdraw(
        qb,
        "mu.canbo" if rows[withdrawn][3] == "Hội Người mù tỉnh Quảng Bình" else "nct.canbo",
        withdrawn,
        "Rút để bổ sung",
    )
    vote_round(qb, round_id)
    close_round(qb, round_id)
    rows = _sheet_rows(chair.get(f"/rounds/{round_id}/ranking.xlsx"))
    assert rows[withdrawn][8] == "Đơn vị đã rút"
    assert all(row[7] in ("Đề nghị", "Không") for n, row in rows.items() if n != withdrawn)


def test_the_pledge_form_neither_drops_a_half_filled_line_nor_speaks_in_field_codes(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A criterion with its code and points but no name was dropped without a word (the pledge kept 60 of
    its 100 points); a wrong code said "trường 'code'", an empty sheet "trường 'criteria': số phần tử phải
    từ 1 đến …"."""
    chair = app_client("htx.chutich")
    chair.get("/pledges/new")
    sheet = {
        "bloc": "qb-khoi-hoi-dac-thu",
        "year": "2020",
        "code_1": "nhiem_vu",
        "name_1": "Nhiệm vụ chính trị",
        "max_1": "60",
        "code_2": "phong_trao",
        "name_2": "",
        "max_2": "40",
    }
    before = row_counts(qb)
    refused = chair.post("/pledges", sheet)
    assert refused.status_code == 400
    assert "Dòng 2: thiếu tên tiêu chí" in html.unescape(refused.text)
    refused = chair.post("/pledges", sheet | {"name_2": "Tổ chức phong trào", "code_2": "Phong trào"})
    assert refused.status_code == 400
    told = html.unescape(refused.text)
    assert "mục 2 · trường 'Mã tiêu chí': mã không hợp lệ" in told
    refused = chair.post("/pledges", {"bloc": "qb-khoi-hoi-dac-thu", "year": "2020"})
    assert refused.status_code == 400
    told = html.unescape(refused.text)
    assert "trường 'Bảng tiêu chí chấm điểm': cần ít nhất 1 mục" in told
    assert "criteria" not in told and "…" not in told
    assert row_counts(qb) == before


def test_a_registration_line_with_a_position_but_no_name_is_refused_not_dropped(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """A clerk who typed a position on line 2 but forgot the name got "Đã nhận bản đăng ký (1 dòng)"."""
    clock.set(date(2020, 1, 10))
    movement_id = movements.launch(
        qb,
        "cv.tdkt1",
        {
            "code": "thi-dua-2020",
            "name": "Phong trào thi đua yêu nước năm 2020",
            "launcher_kind": "province",
            "scope": "sector_local",
            "method": "regular",
            "launched_on": "2020-01-10",
            "starts_on": "2020-01-01",
            "ends_on": "2020-12-31",
            "registration_deadline": "2020-03-31",
            "blocs": ["qb-khoi-hoi-dac-thu"],
        },
        [movements.NewDocument(mv.MovementDocumentKind.LAUNCH_DECISION, "qd.pdf", b"%PDF-1.4 quyet dinh")],
    )
    clerk = app_client("mu.canbo")
    clerk.get(f"/movements/{movement_id}")
    before = row_counts(qb)
    refused = clerk.post(
        f"/movements/{movement_id}/registrations",
        {
            "unit": "qb-hoi-nguoi-mu",
            "kind_1": "person",
            "name_1": "Trần Văn Sáng Kiến",
            "award_1": "chien_si_thi_dua_tinh",
            "kind_2": "person",
            "position_2": "Phó Chủ tịch Hội",
            "award_2": "bang_khen_tinh",
        },
    )
    assert refused.status_code == 400
    assert "Dòng 2: thiếu họ tên / tên tập thể" in html.unescape(refused.text)
    assert row_counts(qb) == before


def test_a_refused_role_names_the_unit_not_its_code(qb: Context, app_client: Callable[..., Browser]) -> None:
    """The unit's head, trying to withdraw its dossier, read "… của qb-hoi-nguoi-mu"; another unit's clerk
    submitting for Hội Người cao tuổi read "… của qb-hoi-nct"."""
    submit_example(qb, "hoi-nguoi-mu-2019")
    nomination = min(n.id for n in queries.list_nominations(qb, unit="qb-hoi-nguoi-mu"))
    head = app_client("mu.chutich")
    head.get(f"/nominations/{nomination}")
    refused = head.post(f"/nominations/{nomination}/withdraw", {"reason": "Rút"})
    assert refused.status_code == 403
    told = html.unescape(refused.text)
    assert "không có vai trò 'Cán bộ thi đua của đơn vị' của Hội Người mù tỉnh Quảng Bình" in told
    assert "qb-hoi-nguoi-mu" not in told.split("<main", 1)[1].split("</main>", 1)[0]
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/new")
    refused = clerk.client.post("/nominations/new", data=_collective(clerk, unit="qb-hoi-nct"))
    assert refused.status_code == 403
    assert "của Hội Người cao tuổi tỉnh Quảng Bình" in html.unescape(refused.text)


def test_a_list_file_nested_too_deep_is_refused_not_a_server_error(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A YAML list of 5000 nested brackets (a broken export) gave "Lỗi máy chủ" (RecursionError)."""
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/upload")
    before = row_counts(qb)
    refused = clerk.post(
        "/nominations/upload",
        files=[("list_file", ("danh-sach.yaml", b"[" * 5000 + b"]" * 5000, "application/yaml"))],
    )
    assert refused.status_code == 400, refused.status_code
    assert "lồng nhau quá sâu" in html.unescape(refused.text)
    assert row_counts(qb) == before


def test_an_api_body_that_is_not_json_is_told_in_vietnamese(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """A clerk's script posting a JSON list nested thousands deep got "There was an error parsing the body"."""
    api = app_client().client
    token = accounts.issue_token(qb, "mu.canbo", "kiểm thử").token
    before = row_counts(qb)
    refused = api.post(
        "/api/nominations",
        content=b"[" * 5000 + b"]" * 5000,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert refused.status_code == 400
    message = refused.json()["message"]
    assert "JSON" in message and "không đọc được" in message and "parsing" not in message
    assert row_counts(qb) == before


def test_a_list_file_that_is_not_a_list_of_nominations_says_so(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """An empty YAML file, or one holding a bare list, said only "cần một bảng (khóa: giá trị)"."""
    clerk = app_client("mu.canbo")
    clerk.get("/nominations/upload")
    before = row_counts(qb)
    for content in (b"", b"- 1\n- 2\n", b"xin chao"):
        refused = clerk.post(
            "/nominations/upload", files=[("list_file", ("danh-sach.yaml", content, "application/yaml"))]
        )
        assert refused.status_code == 400
        assert _problems(refused.text) == [
            "Tệp danh sách cần là một bảng (khóa: giá trị) với unit, documents và nominations, như tệp mẫu"
        ]
    assert row_counts(qb) == before


def test_a_sheets_problem_names_its_row_once(qb: Context, app_client: Callable[..., Browser]) -> None:
    """Each problem of an uploaded sheet read "mục 10 · trường 'Năm': dòng 10, cột 'Năm': …": the place twice,
    and "mục 10" for a list of one nominee."""
    clerk = app_client("mu.canbo")
    book = load_workbook(io.BytesIO(clerk.get("/nominations/template.xlsx").content))
    sheet = book["Danh sách"]
    for column, value in enumerate(["Cá nhân", "Nguyễn Văn Mẫu", "Chuyên viên"], start=1):
        sheet.cell(10, column, value)
    sheet.cell(10, 7, "bang_khen_tinh")
    sheet.cell(10, 9, "năm nay")
    sheet.cell(10, 14, "Thành tích")
    out = io.BytesIO()
    book.save(out)
    before = row_counts(qb)
    refused = clerk.post(
        "/nominations/upload", files=[("list_file", ("ds.xlsx", out.getvalue(), "application/octet-stream"))]
    )
    assert refused.status_code == 400
    assert _problems(html.unescape(refused.text)) == ["dòng 10, cột 'Năm': 'năm nay' không phải một năm"]
    empty = clerk.get("/nominations/template.xlsx").content
    refused = clerk.post(
        "/nominations/upload", files=[("list_file", ("mau.xlsx", empty, "application/octet-stream"))]
    )
    assert _problems(html.unescape(refused.text)) == [
        "danh sách trống: điền từ dòng 10 của trang 'Danh sách'"
    ]
    assert row_counts(qb) == before


def test_a_year_filter_of_twenty_digits_is_no_server_error(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    """ "Năm" 99999999999999999999 in the list's or the look-up's filter gave "Lỗi máy chủ" (too large for the
    database's integer); like any other non-year it now filters nothing."""
    submit_example(qb, "hoi-nguoi-mu-2019")
    clerk = app_client("mu.canbo")
    huge = "9" * 20
    listed = clerk.get("/nominations", params={"year": huge})
    assert listed.status_code == 200
    assert "2 hồ sơ" in listed.text
    assert clerk.get("/tra-cuu", params={"year": huge}).status_code == 200
