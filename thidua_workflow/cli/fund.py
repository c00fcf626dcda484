"""``thidua fund``: the reward fund's ledger (quỹ thi đua, khen thưởng): balance, lines, payments."""

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thidua_workflow.cli._console import emit, handled, out
from thidua_workflow.cli._context import context
from thidua_workflow.cli._options import AsUser, JsonFlag
from thidua_workflow.domain.text import money_vnd

if TYPE_CHECKING:
    from thidua_workflow.services.fund import Voucher

app = typer.Typer(help="Quỹ thi đua, khen thưởng: số dư, sổ quỹ, chi thưởng, thu hồi.", no_args_is_help=True)

VoucherNo = Annotated[str, typer.Option("--voucher", help="Số chứng từ.")]
VoucherDate = Annotated[str, typer.Option("--voucher-date", help="Ngày chứng từ YYYY-MM-DD.")]
VoucherFile = Annotated[Path | None, typer.Option("--voucher-file", help="Bản chụp chứng từ (PDF hoặc ảnh).")]
Source = Annotated[str, typer.Option(help="Nguồn quỹ: ngan_sach | dong_gop.")]
Note = Annotated[str | None, typer.Option(help="Nội dung, ghi chú.")]
Version = Annotated[int | None, typer.Option(help="Phiên bản sổ quỹ đã xem (kiểm tra không ai ghi xen).")]


def _voucher(number: str, dated: str, file: Path | None) -> "Voucher":
    from thidua_workflow.errors import InputRejected
    from thidua_workflow.services.fund import Voucher

    try:
        day = date.fromisoformat(dated)
    except ValueError:
        raise InputRejected(f"Ngày chứng từ '{dated}' không phải YYYY-MM-DD.") from None
    if file is None:
        return Voucher(number, day)
    try:
        return Voucher(number, day, file.name, file.read_bytes())
    except OSError as exc:
        raise InputRejected(f"Không đọc được tệp chứng từ {file}: {exc.strerror}.") from exc


@app.command("balance")
@handled
def fund_balance(
    actor: AsUser,
    year: Annotated[int | None, typer.Option(help="Năm ngân sách (bỏ trống: mọi năm).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Số dư quỹ theo năm và nguồn: số dư đầu năm chuyển sang, phần cho tiền thưởng, phần trích chi tổ chức (20%)."""
    from thidua_workflow.services import fund

    with context() as ctx:
        rows = fund.balances(ctx, actor, year)
    if as_json:
        emit([b.to_dict() for b in rows])
        return
    for b in rows:
        out.print(
            f"Năm {b.year} — {b.source_label}: số dư đầu năm {money_vnd(b.opening)} (chuyển từ năm {b.year - 1}); "
            f"nguồn {money_vnd(b.income)}; trích chi tổ chức {money_vnd(b.organising_share)}; "
            f"đã chi thưởng {money_vnd(b.paid)}; đã chi tổ chức {money_vnd(b.organising_spent)}; thu hồi {money_vnd(b.recovered)}; "
            f"còn cho tiền thưởng {money_vnd(b.for_awards)}, cho tổ chức {money_vnd(b.for_organising)}; số dư cuối năm {money_vnd(b.total)}."
        )
        out.print(f"    ({b.rule}; {b.rule_status})")


@app.command("ledger")
@handled
def fund_ledger(
    actor: AsUser,
    year: Annotated[int | None, typer.Option(help="Năm ngân sách.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Sổ quỹ: mọi bút toán, không sửa, không xóa (điều chỉnh bằng bút toán đảo)."""
    from thidua_workflow.services import fund

    with context() as ctx:
        lines = fund.ledger(ctx, actor, year)
    if as_json:
        emit([e.to_dict() for e in lines])
        return
    for e in lines:
        voucher = (
            f"{e.voucher_number} ngày {e.voucher_date:%d/%m/%Y}"
            if e.voucher_number and e.voucher_date
            else "—"
        )
        extra = f" → {e.payee}" if e.payee else ""
        rev = f" (đảo bút toán {e.reverses_id})" if e.reverses_id else ""
        by = f" [đã đảo bởi {e.reversed_by_id}]" if e.reversed_by_id else ""
        out.print(
            f"{e.id:>5} {e.year} {e.source_label}: {e.kind_label}{extra}{rev} {e.signed:+,} đ; chứng từ {voucher}{by}".replace(
                ",", "."
            )
        )


@app.command("awards")
@handled
def fund_awards(
    actor: AsUser,
    year: Annotated[int | None, typer.Option(help="Năm của quyết định.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Tiền thưởng của từng người, tập thể theo các quyết định đã ban hành: đã chi, còn nợ, đã thu hồi."""
    from thidua_workflow.services import fund

    with context() as ctx:
        rows = fund.awards_money(ctx, actor, year)
    if as_json:
        emit([a.to_dict() for a in rows])
        return
    for a in rows:
        out.print(
            f"[{a.item_id}] QĐ {a.decision_number or a.decision_id} — {a.ordinal}. {a.name}: {money_vnd(a.amount)}; "
            f"đã chi {money_vnd(a.paid)}; còn {money_vnd(a.outstanding)}"
            + (f"; thu hồi {money_vnd(a.recovered)}" if a.recovered else "")
            + (f"; đã hủy bỏ: {a.annulled_by}" if a.annulled_by else "")
        )


@app.command("income")
@handled
def fund_income(
    actor: AsUser,
    year: Annotated[int, typer.Option(help="Năm ngân sách.")],
    amount: Annotated[int, typer.Option(help="Số tiền (đồng).")],
    voucher: VoucherNo,
    voucher_date: VoucherDate,
    source: Source = "ngan_sach",
    voucher_file: VoucherFile = None,
    note: Note = None,
    version: Version = None,
) -> None:
    """Ghi nguồn quỹ được giao hoặc tiếp nhận (dự toán ngân sách, đóng góp)."""
    from thidua_workflow.services import fund

    with context() as ctx:
        e = fund.record_income(
            ctx,
            actor,
            year=year,
            source=source,
            amount=amount,
            voucher=_voucher(voucher, voucher_date, voucher_file),
            note=note,
            expected_version=version,
        )
    out.print(f"Bút toán {e.id}: {e.kind_label} năm {e.year}, {money_vnd(e.amount)}.")


@app.command("pay")
@handled
def fund_pay(
    actor: AsUser,
    item: Annotated[int, typer.Option(help="Mã người/tập thể trong quyết định (xem 'fund awards').")],
    amount: Annotated[int, typer.Option(help="Số tiền (đồng).")],
    voucher: VoucherNo,
    voucher_date: VoucherDate,
    source: Source = "ngan_sach",
    voucher_file: VoucherFile = None,
    note: Note = None,
    version: Version = None,
) -> None:
    """Chi tiền thưởng cho một người/tập thể của quyết định đã ban hành, kèm chứng từ."""
    from thidua_workflow.services import fund

    with context() as ctx:
        e = fund.record_payment(
            ctx,
            actor,
            item_id=item,
            amount=amount,
            source=source,
            voucher=_voucher(voucher, voucher_date, voucher_file),
            note=note,
            expected_version=version,
        )
    out.print(f"Bút toán {e.id}: chi {money_vnd(e.amount)} cho {e.payee}.")


@app.command("organising")
@handled
def fund_organising(
    actor: AsUser,
    amount: Annotated[int, typer.Option(help="Số tiền (đồng).")],
    voucher: VoucherNo,
    voucher_date: VoucherDate,
    note: Annotated[str, typer.Option(help="Nội dung chi.")],
    source: Source = "ngan_sach",
    voucher_file: VoucherFile = None,
    version: Version = None,
) -> None:
    """Chi từ phần trích cho tổ chức phong trào, công tác thi đua, khen thưởng."""
    from thidua_workflow.services import fund

    with context() as ctx:
        e = fund.record_organising(
            ctx,
            actor,
            source=source,
            amount=amount,
            voucher=_voucher(voucher, voucher_date, voucher_file),
            note=note,
            expected_version=version,
        )
    out.print(f"Bút toán {e.id}: {e.kind_label} {money_vnd(e.amount)}.")


@app.command("recover")
@handled
def fund_recover(
    actor: AsUser,
    item: Annotated[int, typer.Option(help="Mã người/tập thể trong quyết định.")],
    voucher: VoucherNo,
    voucher_date: VoucherDate,
    amount: Annotated[int | None, typer.Option(help="Số tiền (bỏ trống: toàn bộ đã nhận).")] = None,
    note: Note = None,
) -> None:
    """Ghi tiền thưởng được nộp lại sau khi quyết định khen thưởng bị hủy bỏ."""
    from thidua_workflow.services import fund

    with context() as ctx:
        e = fund.record_recovery(
            ctx, actor, item_id=item, amount=amount, voucher=_voucher(voucher, voucher_date, None), note=note
        )
    out.print(f"Bút toán {e.id}: thu hồi {money_vnd(e.amount)} của {e.payee}.")


@app.command("reverse")
@handled
def fund_reverse(
    entry: Annotated[int, typer.Argument(help="Số bút toán cần đảo.")],
    actor: AsUser,
    reason: Annotated[str, typer.Option(help="Lý do điều chỉnh.")],
    version: Version = None,
) -> None:
    """Điều chỉnh: ghi bút toán đảo của một bút toán sai (bút toán cũ giữ nguyên)."""
    from thidua_workflow.services import fund

    with context() as ctx:
        e = fund.reverse_entry(ctx, actor, entry, reason=reason, expected_version=version)
    out.print(f"Bút toán {e.id}: đảo bút toán {e.reverses_id}.")
