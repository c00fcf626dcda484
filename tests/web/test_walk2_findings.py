"""Regressions for what a walk through the web app off the scripted path found (the Ban, the council, the
Chairman's office, a visitor): each test failed before its fix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tests.integration.helpers import row_counts
from tests.web.conftest import Browser
from thidua_workflow.clock import FixedClock
from thidua_workflow.services.context import Context

# '²' and '٣' are digits to str.isdigit; int() refuses the first, and the pages answered with a server error.
ODD_DIGITS = ["²", "٣", "１"]


@pytest.mark.parametrize("digit", ODD_DIGITS)
def test_an_odd_digit_in_a_number_filter_is_no_server_error(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser], digit: str
) -> None:
    clock.set(date(2020, 12, 7))
    visitor = app_client()
    public = visitor.get(f"/tra-cuu?year={digit}&name=Hội")
    assert public.status_code == 200, public.text
    assert "Năm" in public.text and "chỉ gồm chữ số" in public.text  # the filter is named, not ignored
    staff = app_client("cv.tdkt1")
    for url in (
        f"/?page={digit}",
        f"/nominations?page={digit}",
        f"/nominations?size={digit}",
        f"/nominations?year={digit}",
        f"/dashboard?year={digit}",
        f"/dashboard?weeks={digit}",
        f"/dashboard.xlsx?year={digit}",
    ):
        assert staff.get(url).status_code < 500, url


@pytest.mark.parametrize("digit", ODD_DIGITS)
def test_an_odd_digit_in_a_typed_figure_is_refused_by_its_cell_and_stores_nothing(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser], digit: str
) -> None:
    clock.set(date(2020, 12, 2))
    ban = app_client("cv.tdkt1")
    ban.get("/reports/2020/0702")
    before = row_counts(qb)
    refused = ban.post("/reports/2020/0702", {"version": "", "c_1_8": digit})
    assert refused.status_code == 400, refused.text
    assert "Dòng 1, cột 8" in refused.text and "chỉ gồm chữ số" in refused.text
    ban.get("/fund?year=2020")
    amount = ban.post(
        "/fund/income",
        {
            "year": "2020",
            "source": "ngan_sach",
            "amount": f"5{digit}",
            "voucher_number": "1",
            "voucher_date": "10/01/2020",
        },
    )
    assert amount.status_code == 400 and "Số tiền" in amount.text
    assert row_counts(qb) == before


def test_a_malformed_address_names_the_field_and_the_rule_in_vietnamese(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """'/fund?year=abc' or '/nominations/abc' said only 'Địa chỉ hoặc dữ liệu gửi lên không hợp lệ.'"""
    clock.set(date(2020, 12, 7))
    ban = app_client("cv.tdkt1")
    cases = {
        "/fund?year=abc": ["Năm", "trong địa chỉ", "phải là số nguyên", "'abc'"],
        "/reports?year=1800": ["Năm", "phải từ 1945 trở lên", "'1800'"],
        "/fund?year=99999": ["Năm", "không được lớn hơn 2200"],
        "/nominations/abc": ["Số hồ sơ", "trong đường dẫn", "phải là số nguyên"],
        "/sessions/0": ["Số phiên họp", "phải từ 1 trở lên"],
    }
    for url, words in cases.items():
        page = ban.get(url)
        assert page.status_code == 400, url
        for word in words:
            assert word in page.text.replace("&#39;", "'"), (url, word)
        assert "year" not in page.text.split("<main>")[-1] and "nomination_id" not in page.text


def test_a_concurrent_edit_refusal_says_nothing_changed_once(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """A 'version' token from a page opened before somebody else saved read
    '… Không có gì thay đổi. Không có gì bị thay đổi.': the service's sentence, then the page's."""
    clock.set(date(2020, 12, 2))
    ban = app_client("cv.tdkt1")
    ban.get("/reports/2020/0702")
    assert ban.post("/reports/2020/0702", {"version": "", "c_1_8": "1"}).status_code == 303
    before = row_counts(qb)
    stale = ban.post("/reports/2020/0702", {"version": "", "c_1_8": "2"})
    assert stale.status_code == 409
    assert "vừa được người khác lưu" in stale.text
    assert stale.text.count("Không có gì") == 1 and "Không có gì bị thay đổi" in stale.text
    assert row_counts(qb) == before


def test_the_operator_can_choose_any_colleague_when_delegating_for_someone_absent(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """The operator sets a delegation for an appraiser who cannot sign in (the service allows it), but the
    'Người được ủy quyền' list offered only the operator's own colleagues at Sở Nội vụ: no one of the Ban."""
    clock.set(date(2020, 12, 7))
    operator = app_client("quantri")
    page = operator.get("/delegations").text
    offered = page.split('name="to"')[1].split("</select>")[0]
    assert 'value="cv.tdkt2"' in offered and 'value="tb.tdkt"' in offered and 'value="quantri"' not in offered
    done = operator.post(
        "/delegations",
        {
            "from": "cv.tdkt1",
            "role": "appraiser",
            "to": "cv.tdkt2",
            "starts_on": "07/12/2020",
            "ends_on": "18/12/2020",
            "reason": "Nghỉ ốm.",
        },
    )
    assert done.status_code == 303, done.text
    assert "Võ Thị Mẫu Hai" in operator.get("/delegations").text
    # A person who is not an operator is still offered only their unit and the holders of their roles.
    own = app_client("cv.tdkt1").get("/delegations").text.split('name="to"')[1].split("</select>")[0]
    assert 'value="cv.tdkt2"' in own and 'value="mu.canbo"' not in own


def test_the_decision_to_annul_is_found_by_its_printed_number(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """'Số (mã) quyết định bị hủy bỏ' took only the system's row number: an official typing the number the
    decision bears ('162/QĐ-UBND') was refused, and typing '162' meant whatever decision had row 162."""
    from tests.integration.test_statistics import issue_everything
    from thidua_workflow.services import annulments

    issued = issue_everything(qb, clock, ["hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019"])
    target = next(d for d in issued if d.number_text and d.id != int(d.number_text.split("/")[0]))
    clock.set(date(2020, 6, 1))
    ban = app_client("tb.tdkt")
    page = ban.get("/nd152").text
    assert "ví dụ 162/QĐ-UBND" in page
    before = row_counts(qb)
    for typed, words in (
        ("999/QĐ-UBND", "Không có quyết định đã ban hành số 999/QĐ-UBND"),
        ("162/QĐ-XYZ", "Không có quyết định đã ban hành số 162/QĐ-XYZ"),
    ):
        refused = ban.post(
            "/nd152/annul",
            {
                "decision": typed,
                "act_number": "50/QĐ-UBND",
                "act_date": "01/06/2020",
                "ground": "Kết luận số 3.",
            },
        )
        assert refused.status_code in (400, 404) and words in refused.text, refused.text
    assert row_counts(qb) == before
    typed = (target.number_text or "").replace("QĐ-UBND", "qđ-ubnd ").lstrip("0")
    done = ban.post(
        "/nd152/annul",
        {"decision": typed, "act_number": "50/QĐ-UBND", "act_date": "01/06/2020", "ground": "Kết luận số 3."},
    )
    assert done.status_code == 303, done.text
    assert {a.decision_id for a in annulments.list_annulments(qb)} == {target.id}


def test_a_chosen_row_number_too_large_or_not_a_number_is_refused_by_name(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """A tampered or mistyped checkbox value (twenty digits) in 'mark read' or the operator's reassigning
    gave a server error (the database integer overflowed); a word was called 'số hồ sơ' for a task."""
    clock.set(date(2020, 12, 7))
    staff = app_client("cv.tdkt1")
    operator = app_client("quantri")
    staff.get("/notifications")
    operator.get("/tasks/reassign")
    before = row_counts(qb)
    huge = "9" * 20
    read = staff.post("/notifications/read", {"notice": huge})
    assert read.status_code == 400 and "Số thông báo" in read.text, read.text
    moved = operator.post("/tasks/reassign", {"task": huge, "to": "cv.tdkt2", "reason": "Chuyển công tác."})
    assert moved.status_code == 400 and "Số việc" in moved.text, moved.text
    staff.get("/")
    bulk = staff.post("/tasks/bulk", {"task": "abc"})
    assert bulk.status_code == 400 and "'abc' không phải Số việc" in bulk.text.replace("&#39;", "'")
    assert "số hồ sơ" not in bulk.text
    assert row_counts(qb) == before


def test_a_bulk_pass_refused_for_one_dossier_says_which_criterion_is_missing(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """Bulk appraisal showed '… trước khi đề nghị khen thưởng:' and stopped: the criteria the colon
    announces were dropped, so the appraiser could not tell what to record."""
    from tests.integration.helpers import submit_example

    clock.set(date(2020, 5, 15))
    nomination = submit_example(qb, "hoi-lhtn-2020-dot-xuat").nomination_ids[0]
    appraiser = app_client("cv.tdkt1")
    home = appraiser.get("/").text
    task = home.split('name="task" value="')[1].split('"')[0]
    before = row_counts(qb)
    done = appraiser.post("/tasks/bulk", {"task": task})
    assert done.status_code == 303
    shown = appraiser.get("/").text
    assert f"Việc số {task}: Hồ sơ số {nomination} còn tiêu chuẩn cần thẩm định" in shown
    assert "Tiêu chuẩn Bằng khen cho hộ gia đình" in shown.split(f"Việc số {task}:")[1].split("</")[0]
    assert row_counts(qb) == before


def test_a_list_of_numbers_with_a_word_or_twenty_digits_is_refused_by_name(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """The posting's 'Số hồ sơ' with twenty digits, and the bloc chair's ranking order with a word in it,
    gave server errors (an integer overflow in the database; int() of the word)."""
    from tests.integration.helpers import open_round, vote_round

    round_id = open_round(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    vote_round(qb, round_id)
    chair = app_client("nct.chutich")
    chair.get(f"/rounds/{round_id}")
    ban = app_client("tb.tdkt")
    ban.get("/nd152")
    before = row_counts(qb)
    ranked = chair.post(f"/rounds/{round_id}/act", {"decision": "close", "order": "1, hai, 3"})
    assert ranked.status_code == 400, ranked.text
    assert "'Thứ tự': 'hai' không phải số hồ sơ" in ranked.text.replace("&#39;", "'")
    posted = ban.post("/nd152/posting", {"nominations": "9" * 20})
    assert posted.status_code == 400 and "không phải số hồ sơ" in posted.text, posted.text
    assert row_counts(qb) == before


def test_a_movement_review_round_and_a_pledge_out_of_range_are_refused_in_vietnamese(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """'Số vòng bình xét' of twenty digits gave a server error (integer overflow in the database); a
    pledge with a year or points out of range read "trường 'year'" and "trường 'max'"."""
    from tests.integration.test_year_cycle import doc, movement_2020
    from thidua_workflow.services import movements

    clock.set(date(2020, 1, 10))
    movement_id = movements.launch(qb, "cv.tdkt1", movement_2020(), [doc()])
    staff = app_client("cv.tdkt1")
    staff.get(f"/movements/{movement_id}")
    chair = app_client("htx.chutich")
    chair.get("/pledges/new")
    before = row_counts(qb)
    review = staff.post(f"/movements/{movement_id}/reviews", {"round": "9" * 20, "stage": "so_ket"})
    assert review.status_code == 400 and "Số vòng bình xét" in review.text, review.text
    for data, words in (
        (
            {"year": "99999", "bloc": "qb-khoi-hoi-dac-thu", "name_1": "Tiêu chí A", "max_1": "10"},
            "trường 'Năm'",
        ),
        (
            {"year": "2020", "bloc": "qb-khoi-hoi-dac-thu", "name_1": "Tiêu chí A", "max_1": "5000"},
            "trường 'Điểm",
        ),
    ):
        refused = chair.post("/pledges", data)
        text = refused.text.replace("&#39;", "'")
        assert refused.status_code == 400 and words in text, text
        assert "'year'" not in text and "'max'" not in text
    assert row_counts(qb) == before


def test_a_dot_that_groups_no_thousands_is_refused_not_read_as_a_bigger_number(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """'1.5' (a decimal, as someone used to another notation types it) was read as 15 đồng and '2.50.000'
    as 250.000: the dot is the thousands separator only between groups of three digits."""
    from thidua_workflow.services import fund

    clock.set(date(2020, 12, 2))
    ban = app_client("cv.tdkt1")
    ban.get("/fund?year=2020")
    before = row_counts(qb)
    form = {"year": "2020", "source": "ngan_sach", "voucher_number": "PT-1", "voucher_date": "10/01/2020"}
    for typed in ("1.5", "2.50.000", "1.000.00"):
        refused = ban.post("/fund/income", {**form, "amount": typed})
        assert refused.status_code == 400 and "Số tiền" in refused.text and typed in refused.text, typed
    assert row_counts(qb) == before
    for typed, amount in (("1.500.000", 1_500_000), ("2500000", 2_500_000), ("1 000 000", 1_000_000)):
        ban.get("/fund?year=2020")
        assert ban.post("/fund/income", {**form, "amount": typed}).status_code == 303, typed
        assert fund.ledger(qb, "cv.tdkt1", 2020)[-1].amount == amount


def test_the_registrar_is_told_what_is_missing_in_the_pages_words_not_a_command_line_option(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """'Vào sổ' with the number left empty read "cần số quyết định (--number)": an option of the command
    line, on a web page, for a registrar who never sees one."""
    from tests.integration.helpers import COUNCIL, to_council
    from thidua_workflow.domain.enums import Choice
    from thidua_workflow.services import council, decisions

    to_council(qb, "hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019")
    clock.set(date(2020, 1, 15))
    view = council.open_session(qb, "tb.tdkt")
    council.record_attendance(qb, "tb.tdkt", view.id, COUNCIL)
    needs = [i["nomination"] for i in view.items if i["needs_vote"]]
    for member in COUNCIL:
        council.cast_ballot(qb, member, view.id, dict.fromkeys(needs, Choice.YES))
    council.close_session(qb, "tb.tdkt", view.id, proposal_ref="12/TTr-SNV")
    clock.set(date(2020, 1, 20))
    decision_id = decisions.list_decisions(qb)[0].id
    decisions.sign(qb, "ct.ubnd", decision_id)
    registrar = app_client("vt.ubnd")
    registrar.get(f"/decisions/{decision_id}")
    before = row_counts(qb)
    refused = registrar.post(f"/decisions/{decision_id}/act", {"decision": "register", "number": ""})
    assert refused.status_code == 400 and "Vào sổ cần số quyết định theo sổ đăng ký văn bản" in refused.text
    assert "--" not in refused.text.split("<main>")[1].split("</main>")[0]
    assert row_counts(qb) == before


def test_the_fund_page_says_once_that_the_organising_share_is_not_checked_against_the_text(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """The fund page for 2020 read '… mức 20% là mặc định, chưa đối chiếu văn bản) (chưa đối chiếu văn
    bản).': the rule's source says it, and the page added it again."""
    from thidua_workflow.services import fund
    from thidua_workflow.services.fund import Voucher

    clock.set(date(2020, 12, 2))
    fund.record_income(
        qb,
        "cv.tdkt1",
        year=2020,
        source="ngan_sach",
        amount=1_000_000,
        voucher=Voucher("PT-1", date(2020, 1, 5)),
    )
    page = app_client("cv.tdkt1").get("/fund?year=2020").text
    assert "Phần trích chi tổ chức: Nghị định 91/2017/NĐ-CP" in page
    assert page.count("chưa đối chiếu văn bản") == 1


def test_a_version_token_that_is_not_one_is_refused_not_skipped(
    qb: Context, clock: FixedClock, app_client: Callable[..., Browser]
) -> None:
    """A hand-made 'version' of 'abc' was read as no version at all, so the save skipped the check that
    refuses a concurrent edit; it is refused and nothing is written."""
    clock.set(date(2020, 12, 2))
    ban = app_client("cv.tdkt1")
    ban.get("/reports/2020/0702")
    before = row_counts(qb)
    refused = ban.post("/reports/2020/0702", {"version": "abc", "c_1_8": "1"})
    assert refused.status_code == 400, refused.text
    assert "Mã phiên bản của trang không hợp lệ" in refused.text
    assert row_counts(qb) == before
