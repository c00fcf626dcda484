"""The reward fund: what the decisions give each awardee, payments with their vouchers, the organising
share set aside, recovery after an annulment; a ledger that only appends, down to the database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.integration.helpers import row_counts
from tests.integration.test_statistics import issue_everything
from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.fund_rules import fund_rules
from thidua_workflow.errors import InputRejected, NotFound, NotPermitted, StaleVersion
from thidua_workflow.services import decisions, fund
from thidua_workflow.services.context import Context
from thidua_workflow.services.fund import Voucher

STAFF = "cv.tdkt1"
PDF = b"%PDF-1.4\n% phieu chi\n"


@pytest.fixture
def awarded(qb: Context, clock: FixedClock) -> list[decisions.DecisionView]:
    issued = issue_everything(qb, clock, ["hoi-nguoi-cao-tuoi-2019", "hoi-nguoi-mu-2019"])
    clock.set(date(2020, 2, 3))
    return issued


def income(
    ctx: Context, amount: int, voucher: Voucher, *, year: int = 2020, source: str = "ngan_sach"
) -> fund.EntryView:
    """The Ban records money coming into the fund: the line most of these tests start from."""
    return fund.record_income(ctx, STAFF, year=year, source=source, amount=amount, voucher=voucher)


def annul_award(
    qb: Context, clock: FixedClock, awarded: list[decisions.DecisionView], owed: fund.AwardMoney, act: str
) -> int:
    """Annul ``owed``'s award by decision ``act`` of 1 June 2020 (khai man thành tích): its nomination."""
    from thidua_workflow.services import annulments

    decision = next(d for d in awarded if d.id == owed.decision_id)
    nomination_id = int(next(i["nomination"] for i in decision.items if i["name"] == owed.name))
    clock.set(date(2020, 6, 1))
    annulments.annul(
        qb,
        "vt.ubnd",
        decision.id,
        act_number=act,
        act_date=date(2020, 6, 1),
        ground="Khai man thành tích",
        nomination_ids=[nomination_id],
    )
    return nomination_id


def test_decisions_owe_each_awardee_its_amount_and_payments_settle_it(
    qb: Context, awarded: list[decisions.DecisionView]
) -> None:
    owed = fund.awards_money(qb, STAFF, 2020)
    expected = sorted((i["name"], i["reward"]) for d in awarded for i in d.items)
    assert sorted((a.name, a.amount) for a in owed) == expected
    assert all(a.paid == 0 and a.outstanding == a.amount for a in owed)
    total_owed = sum(a.amount for a in owed)

    income = fund.record_income(
        qb,
        STAFF,
        year=2020,
        source="ngan_sach",
        amount=100_000_000,
        voucher=Voucher("QĐ 05/QĐ-STC", date(2020, 1, 10)),
        note="Dự toán giao năm 2020",
    )
    assert income.signed == 100_000_000
    [balance] = [b for b in fund.balances(qb, STAFF, 2020) if b.source == "ngan_sach"]
    # NĐ 152/2025 Điều 48 k1 a keeps 20% of the fund for organising the work (carried back to 2020 as
    # an unconfirmed default): 80% is there for the awards.
    assert (balance.organising_share, balance.for_awards, balance.for_organising) == (
        20_000_000,
        80_000_000,
        20_000_000,
    )
    assert balance.rule_status == "historical_not_confirmed"

    first = owed[0]
    version = fund.book_version(qb)
    paid = fund.record_payment(
        qb,
        STAFF,
        item_id=first.item_id,
        amount=first.amount,
        voucher=Voucher("PC-001", date(2020, 2, 3), "phieu-chi-001.pdf", PDF),
        expected_version=version,
    )
    assert (paid.signed, paid.payee, paid.voucher_file_name) == (
        -first.amount,
        first.name,
        "phieu-chi-001.pdf",
    )
    assert fund.voucher_file(qb, STAFF, paid.id) == ("phieu-chi-001.pdf", PDF)
    for a in owed[1:]:
        fund.record_payment(
            qb,
            STAFF,
            item_id=a.item_id,
            amount=a.amount,
            voucher=Voucher(f"PC-{a.item_id:03d}", date(2020, 2, 3)),
        )
    assert all(a.outstanding == 0 for a in fund.awards_money(qb, STAFF, 2020))
    [balance] = [b for b in fund.balances(qb, STAFF, 2020) if b.source == "ngan_sach"]
    assert (balance.paid, balance.for_awards, balance.total) == (
        total_owed,
        80_000_000 - total_owed,
        100_000_000 - total_owed,
    )

    before = row_counts(qb)
    two = owed[1].item_id
    refusals: list[tuple[int, int, Voucher, str]] = [
        (first.item_id, 1, Voucher("PC-X", date(2020, 2, 3)), "còn 0"),
        (two, 1, Voucher("", date(2020, 2, 3)), "số chứng từ"),
        (two, 1, Voucher("PC-Y", date(2020, 3, 1)), "chưa đến"),
        (two, 0, Voucher("PC-Y", date(2020, 2, 3)), "nguyên dương"),
        (999_999, 1, Voucher("PC-Y", date(2020, 2, 3)), "Không tìm thấy"),
        (two, 1, Voucher("PC-Y", date(2020, 2, 3), "x.pdf", b"not a pdf"), "Tệp chứng từ"),
    ]
    for item_id, amount, voucher, message in refusals:
        with pytest.raises(InputRejected, match=message):
            fund.record_payment(qb, STAFF, item_id=item_id, amount=amount, voucher=voucher)
    with pytest.raises(StaleVersion):
        fund.record_income(
            qb,
            STAFF,
            year=2020,
            source="ngan_sach",
            amount=1,
            voucher=Voucher("X", date(2020, 2, 3)),
            expected_version=version,
        )
    with pytest.raises(NotPermitted):
        fund.record_income(
            qb, "quantri", year=2020, source="ngan_sach", amount=1, voucher=Voucher("X", date(2020, 2, 3))
        )
    with pytest.raises(InputRejected, match="Nguồn quỹ"):
        fund.record_income(
            qb, STAFF, year=2020, source="vay", amount=1, voucher=Voucher("X", date(2020, 2, 3))
        )
    assert row_counts(qb) == before


def test_the_fund_pays_no_more_than_it_holds_for_awards_and_for_organising(
    qb: Context, awarded: list[decisions.DecisionView]
) -> None:
    owed = fund.awards_money(qb, STAFF)
    biggest = max(owed, key=lambda a: a.amount)
    # 10,000,000 đ received: 8,000,000 for awards, 2,000,000 for organising.
    fund.record_income(
        qb, STAFF, year=2020, source="dong_gop", amount=10_000_000, voucher=Voucher("PT-01", date(2020, 1, 5))
    )
    assert biggest.amount > 8_000_000
    with pytest.raises(InputRejected, match="Quỹ năm 2020"):
        fund.record_payment(
            qb,
            STAFF,
            item_id=biggest.item_id,
            amount=biggest.amount,
            source="dong_gop",
            voucher=Voucher("PC-1", date(2020, 2, 3)),
        )
    fund.record_payment(
        qb,
        STAFF,
        item_id=biggest.item_id,
        amount=8_000_000,
        source="dong_gop",
        voucher=Voucher("PC-1", date(2020, 2, 3)),
    )
    with pytest.raises(InputRejected, match="nội dung chi"):
        fund.record_organising(
            qb, STAFF, source="dong_gop", amount=1, voucher=Voucher("PC-2", date(2020, 2, 3))
        )
    with pytest.raises(InputRejected, match="Phần trích chi tổ chức"):
        fund.record_organising(
            qb,
            STAFF,
            source="dong_gop",
            amount=2_000_001,
            voucher=Voucher("PC-2", date(2020, 2, 3)),
            note="Hội nghị sơ kết",
        )
    fund.record_organising(
        qb,
        STAFF,
        source="dong_gop",
        amount=2_000_000,
        voucher=Voucher("PC-2", date(2020, 2, 3)),
        note="Hội nghị tổng kết phong trào",
    )
    [balance] = [b for b in fund.balances(qb, STAFF, 2020) if b.source == "dong_gop"]
    assert (balance.for_awards, balance.for_organising, balance.total) == (0, 0, 0)
    # The other source of the same year is untouched and shown.
    assert [b.total for b in fund.balances(qb, STAFF, 2020) if b.source == "ngan_sach"] == [0]


def test_a_correction_reverses_a_line_and_the_database_refuses_edits(
    qb: Context, awarded: list[decisions.DecisionView]
) -> None:
    owed = fund.awards_money(qb, STAFF)[0]
    income(qb, 50_000_000, Voucher("QĐ-1", date(2020, 1, 10)))
    wrong = fund.record_payment(
        qb,
        STAFF,
        item_id=owed.item_id,
        amount=owed.amount - 10_000,
        voucher=Voucher("PC-9", date(2020, 2, 3)),
    )
    version = fund.book_version(qb)
    fix = fund.reverse_entry(qb, STAFF, wrong.id, reason="Nhập sai số tiền", expected_version=version)
    assert (fix.kind, fix.reverses_id, fix.signed) == ("reversal", wrong.id, owed.amount - 10_000)
    with pytest.raises(InputRejected, match="đã được đảo"):
        fund.reverse_entry(qb, STAFF, wrong.id, reason="lần nữa")
    with pytest.raises(InputRejected, match="bút toán đảo"):
        fund.reverse_entry(qb, STAFF, fix.id, reason="đảo của đảo")
    with pytest.raises(NotFound):
        fund.reverse_entry(qb, STAFF, 999_999, reason="không có")
    fund.record_payment(
        qb, STAFF, item_id=owed.item_id, amount=owed.amount, voucher=Voucher("PC-10", date(2020, 2, 3))
    )
    lines = fund.ledger(qb, STAFF, 2020)
    assert [(e.kind, e.signed) for e in lines] == [
        ("income", 50_000_000),
        ("payment", -(owed.amount - 10_000)),
        ("reversal", owed.amount - 10_000),
        ("payment", -owed.amount),
    ]
    assert (
        lines[1].reversed_by_id == fix.id and lines[1].amount == owed.amount - 10_000
    )  # the wrong line stays
    # Reversing the income would leave the year's fund below zero: pay-backs first.
    with pytest.raises(InputRejected, match="âm"):
        fund.reverse_entry(qb, STAFF, lines[0].id, reason="sai")
    # The database itself refuses to change or remove a line, on both backends.
    for statement in ("UPDATE fund_entries SET amount = 1", "DELETE FROM fund_entries"):
        with pytest.raises(DBAPIError, match="append-only"), qb.engine.begin() as conn:
            conn.execute(text(statement))
    assert [(e.kind, e.amount) for e in fund.ledger(qb, STAFF, 2020)] == [(e.kind, e.amount) for e in lines]


def test_recovery_after_an_annulment_returns_what_was_paid_and_no_more(
    qb: Context, clock: FixedClock, awarded: list[decisions.DecisionView]
) -> None:
    owed = fund.awards_money(qb, STAFF)[0]
    income(qb, 50_000_000, Voucher("QĐ-1", date(2020, 1, 10)))
    with pytest.raises(InputRejected, match="không có gì để thu hồi"):
        fund.record_recovery(qb, STAFF, item_id=owed.item_id, voucher=Voucher("PT-1", date(2020, 2, 3)))
    fund.record_payment(
        qb, STAFF, item_id=owed.item_id, amount=owed.amount, voucher=Voucher("PC-1", date(2020, 2, 3))
    )
    clock.set(date(2021, 3, 1))
    with pytest.raises(InputRejected, match="thu hồi tối đa"):
        fund.record_recovery(
            qb, STAFF, item_id=owed.item_id, amount=owed.amount + 1, voucher=Voucher("PT-1", date(2021, 3, 1))
        )
    back = fund.record_recovery(qb, STAFF, item_id=owed.item_id, voucher=Voucher("PT-1", date(2021, 3, 1)))
    assert (back.kind, back.year, back.amount, back.signed) == ("recovery", 2021, owed.amount, owed.amount)
    assert back.note == fund_rules().for_year(2021).recovery  # the rule the money comes back under
    [money] = [a for a in fund.awards_money(qb, STAFF) if a.item_id == owed.item_id]
    assert (money.paid, money.recovered) == (owed.amount, owed.amount)
    [y2021] = [b for b in fund.balances(qb, STAFF, 2021) if b.source == "ngan_sach"]
    # The money comes back into 2021's fund, which opened with what 2020 closed with.
    assert (y2021.recovered, y2021.opening, y2021.total) == (
        owed.amount,
        50_000_000 - owed.amount,
        50_000_000,
    )
    with pytest.raises(InputRejected, match="không có gì để thu hồi"):
        fund.record_recovery(qb, STAFF, item_id=owed.item_id, voucher=Voucher("PT-2", date(2021, 3, 1)))


def test_an_annulled_award_the_fund_paid_is_recovered_into_its_ledger(
    qb: Context, clock: FixedClock, awarded: list[decisions.DecisionView]
) -> None:
    """The annulment's recovery (NĐ 152/2025 Điều 58) and the fund are one act: the money the fund paid
    comes back as a ledger line in the same transaction, on the receipt's number."""
    from thidua_workflow.errors import ValidationFailed
    from thidua_workflow.services import annulments

    owed = fund.awards_money(qb, STAFF)[0]
    income(qb, 50_000_000, Voucher("QĐ-1", date(2020, 1, 10)))
    fund.record_payment(
        qb, STAFF, item_id=owed.item_id, amount=owed.amount, voucher=Voucher("PC-1", date(2020, 2, 3))
    )
    nomination_id = annul_award(qb, clock, awarded, owed, "99/QĐ-UBND")
    before = row_counts(qb)
    with pytest.raises(ValidationFailed, match="phiếu thu"):
        annulments.record_recovery(qb, "vt.ubnd", nomination_id, recovered_on=date(2020, 6, 1))
    assert row_counts(qb) == before
    done = annulments.record_recovery(
        qb, "vt.ubnd", nomination_id, recovered_on=date(2020, 6, 1), voucher="PT-7"
    )
    assert done.recovered_on == date(2020, 6, 1)
    [money] = [a for a in fund.awards_money(qb, STAFF) if a.item_id == owed.item_id]
    assert (money.paid, money.recovered) == (owed.amount, min(owed.amount, done.recover_amount))
    assert (money.annulled_by, money.outstanding) == ("Quyết định số 99/QĐ-UBND ngày 01/06/2020", 0)
    line = next(e for e in fund.ledger(qb, STAFF, 2020) if e.kind == "recovery")
    assert (line.voucher_number, line.amount) == ("PT-7", min(owed.amount, done.recover_amount))


def test_an_annulled_award_not_yet_paid_is_owed_nothing_and_cannot_be_paid(
    qb: Context, clock: FixedClock, awarded: list[decisions.DecisionView]
) -> None:

    owed = fund.awards_money(qb, STAFF)[0]
    other = fund.awards_money(qb, STAFF)[1]
    income(qb, 50_000_000, Voucher("QĐ-1", date(2020, 1, 10)))
    annul_award(qb, clock, awarded, owed, "98/QĐ-UBND")
    money = {a.item_id: a for a in fund.awards_money(qb, STAFF)}
    assert (money[owed.item_id].outstanding, money[owed.item_id].paid) == (0, 0)
    assert money[other.item_id].annulled_by is None and money[other.item_id].outstanding == other.amount
    before = row_counts(qb)
    with pytest.raises(InputRejected, match="98/QĐ-UBND ngày 01/06/2020"):
        fund.record_payment(
            qb, STAFF, item_id=owed.item_id, amount=owed.amount, voucher=Voucher("PC-1", date(2020, 6, 1))
        )
    assert row_counts(qb) == before


def test_a_year_opens_with_the_year_befores_closing_balance_each_share_carrying_its_own(
    qb: Context, clock: FixedClock, awarded: list[decisions.DecisionView]
) -> None:
    cheapest = min(fund.awards_money(qb, STAFF, 2020), key=lambda a: a.amount)
    income(qb, 10_000_000, Voucher("QĐ-1", date(2020, 1, 10)))
    fund.record_payment(
        qb, STAFF, item_id=cheapest.item_id, amount=cheapest.amount, voucher=Voucher("PC-1", date(2020, 2, 3))
    )
    fund.record_organising(
        qb,
        STAFF,
        source="ngan_sach",
        amount=500_000,
        voucher=Voucher("PC-2", date(2020, 2, 3)),
        note="Hội nghị sơ kết",
    )
    [closing] = [b for b in fund.balances(qb, STAFF, 2020) if b.source == "ngan_sach"]
    assert closing.opening == 0  # nothing before 2020
    assert (closing.for_awards, closing.for_organising, closing.total) == (
        8_000_000 - cheapest.amount,
        1_500_000,
        9_500_000 - cheapest.amount,
    )

    clock.set(date(2021, 3, 1))
    by_source = {b.source: b for b in fund.balances(qb, STAFF, 2021)}
    opened = by_source["ngan_sach"]
    # 2021 opens with 2020's closing, per share, computed from the ledger (no line of 2021 yet).
    assert (opened.opening_for_awards, opened.opening_for_organising, opened.opening) == (
        closing.for_awards,
        closing.for_organising,
        closing.total,
    )
    assert (opened.income, opened.total) == (0, closing.total)
    assert (by_source["dong_gop"].opening, by_source["dong_gop"].total) == (0, 0)
    fund.record_income(
        qb, STAFF, year=2021, source="ngan_sach", amount=5_000_000, voucher=Voucher("QĐ-2", date(2021, 1, 8))
    )
    # 2021's own organising share is 1,000,000; with the 1,500,000 carried it may spend 2,500,000.
    with pytest.raises(InputRejected, match=r"còn 2\.500\.000 đ"):
        fund.record_organising(
            qb,
            STAFF,
            source="ngan_sach",
            amount=2_500_001,
            voucher=Voucher("PC-3", date(2021, 2, 1)),
            note="Hội nghị tổng kết",
        )
    fund.record_organising(
        qb,
        STAFF,
        source="ngan_sach",
        amount=2_500_000,
        voucher=Voucher("PC-3", date(2021, 2, 1)),
        note="Hội nghị tổng kết",
    )
    [year_2021] = [b for b in fund.balances(qb, STAFF, 2021) if b.source == "ngan_sach"]
    assert (year_2021.for_awards, year_2021.for_organising, year_2021.total) == (
        closing.for_awards + 4_000_000,
        0,
        closing.total + 5_000_000 - 2_500_000,
    )
    # A year with no line opens (and closes) with the last closing; the list of every year shows both.
    [year_2022] = [b for b in fund.balances(qb, STAFF, 2022) if b.source == "ngan_sach"]
    assert (year_2022.opening, year_2022.total) == (year_2021.total, year_2021.total)
    assert [(b.year, b.opening, b.total) for b in fund.balances(qb, STAFF) if b.source == "ngan_sach"] == [
        (2020, 0, closing.total),
        (2021, closing.total, year_2021.total),
    ]


def test_reversing_an_earlier_years_income_may_not_leave_a_later_year_below_zero(
    qb: Context, clock: FixedClock, awarded: list[decisions.DecisionView]
) -> None:
    income = fund.record_income(
        qb, STAFF, year=2020, source="dong_gop", amount=1_000_000, voucher=Voucher("PT-1", date(2020, 1, 10))
    )
    clock.set(date(2021, 3, 1))
    # 2021 spends the organising share carried from 2020 (200,000): 2020 itself still holds 1,000,000.
    fund.record_organising(
        qb,
        STAFF,
        source="dong_gop",
        amount=200_000,
        voucher=Voucher("PC-1", date(2021, 2, 1)),
        note="In ấn tài liệu tuyên truyền",
    )
    before = row_counts(qb)
    with pytest.raises(InputRejected, match="làm quỹ năm 2021 âm"):
        fund.reverse_entry(qb, STAFF, income.id, reason="Nhập nhầm nguồn")
    assert row_counts(qb) == before


def test_an_amount_too_large_for_the_ledger_is_refused_by_name_and_stores_nothing(
    qb: Context, clock: FixedClock
) -> None:
    """Twenty nines typed into 'Số tiền' once gave a server error: the ledger's integer column overflowed.
    A province's yearly allocation (billions of đồng) is one line: the column is 64-bit (migration 0015)."""
    clock.set(date(2020, 2, 3))
    before = row_counts(qb)
    for amount in (10**20, fund.MAX_AMOUNT + 1):
        with pytest.raises(InputRejected, match=r"Số tiền .* tối đa 999\.999\.999\.999\.999 đồng"):
            income(qb, amount, Voucher("PT-9", date(2020, 1, 5)))
        with pytest.raises(InputRejected, match="Số tiền"):
            fund.record_organising(
                qb,
                STAFF,
                source="ngan_sach",
                amount=amount,
                voucher=Voucher("PC-9", date(2020, 1, 5)),
                note="x",
            )
    assert row_counts(qb) == before
    income(qb, fund.MAX_AMOUNT, Voucher("PT-9", date(2020, 1, 5)))
    income(
        qb, 15_000_000_000, Voucher("PT-10", date(2020, 1, 6))
    )  # fifteen billion: above what a 32-bit column held
    assert [e.amount for e in fund.ledger(qb, STAFF, 2020)] == [fund.MAX_AMOUNT, 15_000_000_000]
