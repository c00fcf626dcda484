"""The reward fund (quỹ thi đua, khen thưởng) of the province: an append-only ledger.

What the fund owes comes from the issued decisions themselves (each awardee's amount is on the
decision's list); what was paid, spent, received and recovered are ledger lines, each with its
voucher (số chứng từ, date, and the scanned file where there is one). Nothing is ever edited: a wrong
line is cancelled by a reversal line that names it (the database refuses UPDATE and DELETE on the
ledger, and a line can be reversed once). Every line bumps the fund book's version, so two people
paying the same award at once cannot both pass the check of what is still owed.

The share set aside for organising the work is read from ``fund_rules.yaml`` for the budget year
(NĐ 152/2025 Điều 48 k1 a: 20% of each level's fund, confirmed in the decree's text); recovered money
(Điều 58) comes back into the fund of the year it is received.

A year opens with what the year before closed with, per source (số dư đầu năm chuyển sang): computed
from the ledger every time it is read, never typed in, so a reversal in an earlier year moves every
later opening with it. Each share carries its own remainder: what was left for awards stays for awards,
what was left of the organising share stays for organising (it was set aside when the money came in).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import FUND_ROLES, Actor, require_any_role
from thidua_workflow.domain.enums import DecisionStatus, DocumentKind, FundEntryKind, FundSource
from thidua_workflow.domain.fund_rules import FundPeriod, fund_rules
from thidua_workflow.domain.schemas import DocumentIn
from thidua_workflow.domain.text import clean_text
from thidua_workflow.errors import InputRejected, NotFound, StaleVersion
from thidua_workflow.services import audit
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import Evidence, MappingSource, read_evidence, stored

# The sign each kind of line has on the balance; a reversal has the opposite of the line it cancels.
SIGN = {
    FundEntryKind.INCOME.value: 1,
    FundEntryKind.PAYMENT.value: -1,
    FundEntryKind.ORGANISING.value: -1,
    FundEntryKind.RECOVERY.value: 1,
}


@dataclass(frozen=True)
class Voucher:
    """The voucher (chứng từ) of a line: its number and date, and optionally its scanned file."""

    number: str
    dated: date
    file_name: str | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class EntryView:
    id: int
    year: int
    source: str
    source_label: str
    kind: str
    kind_label: str
    amount: int
    signed: int
    decision_id: int | None
    decision_item_id: int | None
    payee: str | None
    voucher_number: str | None
    voucher_date: date | None
    voucher_file_name: str | None
    voucher_sha256: str | None
    reverses_id: int | None
    reversed_by_id: int | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["voucher_date"] = self.voucher_date.isoformat() if self.voucher_date else None
        return data


@dataclass(frozen=True)
class Balance:
    """The fund of one budget year and source."""

    year: int
    source: str
    source_label: str
    income: int
    organising_share: int  # set aside for organising (Điều 48 k1 a)
    paid: int
    organising_spent: int
    recovered: int
    rule: str
    rule_status: str
    # Carried over from the year before's closing balance of the same source, per share (from the ledger).
    opening_for_awards: int = 0
    opening_for_organising: int = 0

    @property
    def opening(self) -> int:
        """Số dư đầu năm: the year before's closing balance."""
        return self.opening_for_awards + self.opening_for_organising

    @property
    def for_awards(self) -> int:
        return self.opening_for_awards + self.income - self.organising_share - self.paid + self.recovered

    @property
    def for_organising(self) -> int:
        return self.opening_for_organising + self.organising_share - self.organising_spent

    @property
    def total(self) -> int:
        """Số dư cuối năm (closing): the opening plus the year's lines."""
        return self.opening + self.income - self.paid - self.organising_spent + self.recovered

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data |= {
            "opening": self.opening,
            "for_awards": self.for_awards,
            "for_organising": self.for_organising,
            "total": self.total,
        }
        return data


@dataclass(frozen=True)
class AwardMoney:
    """One awardee of an issued decision: what the decision gives, what was paid and recovered."""

    decision_id: int
    decision_number: str | None
    decision_date: date | None
    item_id: int
    ordinal: int
    name: str
    award_name: str
    amount: int
    paid: int
    recovered: int
    # The decision that annulled the award (Điều 56 NĐ 152/2025), if one did: nothing more is owed.
    annulled_by: str | None = None

    @property
    def outstanding(self) -> int:
        return 0 if self.annulled_by else self.amount - self.paid

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["decision_date"] = self.decision_date.isoformat() if self.decision_date else None
        data["outstanding"] = self.outstanding
        return data


# --- reading -------------------------------------------------------------------------------------------


def _effects(session: Session, province: str, **where: Any) -> list[tuple[m.FundEntry, int]]:
    """Each line with its effect on the balance (a reversal's is minus its target's)."""
    query = select(m.FundEntry).where(m.FundEntry.province_id == province).order_by(m.FundEntry.id)
    for name, value in where.items():
        query = query.where(getattr(m.FundEntry, name) == value)
    lines = list(session.scalars(query))
    kinds = {e.id: e.kind for e in lines}
    missing = {e.reverses_id for e in lines if e.reverses_id is not None and e.reverses_id not in kinds}
    if missing:
        for e in session.scalars(select(m.FundEntry).where(m.FundEntry.id.in_(missing))):
            kinds[e.id] = e.kind
    out = []
    for e in lines:
        if e.kind == FundEntryKind.REVERSAL.value:
            assert e.reverses_id is not None
            out.append((e, -SIGN[kinds[e.reverses_id]] * e.amount))
        else:
            out.append((e, SIGN[e.kind] * e.amount))
    return out


def _effective_kind(session: Session, entry: m.FundEntry) -> str:
    if entry.kind != FundEntryKind.REVERSAL.value:
        return entry.kind
    target = session.get(m.FundEntry, entry.reverses_id)
    assert target is not None
    return target.kind


def _balances(session: Session, province: str, year: int | None = None) -> list[Balance]:
    """Every budget year and source with lines (``year`` only when given, every source shown), each
    opening with the closing balance of the year before: the lines of every earlier year are read."""
    sums: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry, effect in _effects(session, province):
        if year is not None and entry.year > year:
            continue
        kind = _effective_kind(session, entry)
        # income and recovery add; payment and organising subtract: keep each as a positive total
        sums[(entry.year, entry.source)][kind] += effect * SIGN[kind]
    keys = set(sums)
    if year is not None:
        keys |= {(year, s.value) for s in FundSource}
    carried: dict[str, tuple[int, int]] = {}  # source → (for awards, for organising) closing so far
    out = []
    for y, source in sorted(keys, key=lambda k: (k[0], k[1])):
        got = sums.get((y, source), {})
        rule = fund_rules().for_year(y)
        income = got.get(FundEntryKind.INCOME.value, 0)
        awards, organising = carried.get(source, (0, 0))
        balance = Balance(
            year=y,
            source=source,
            source_label=FundSource(source).label,
            income=income,
            organising_share=rule.set_aside(income),
            paid=got.get(FundEntryKind.PAYMENT.value, 0),
            organising_spent=got.get(FundEntryKind.ORGANISING.value, 0),
            recovered=got.get(FundEntryKind.RECOVERY.value, 0),
            rule=rule.source,
            rule_status=rule.status,
            opening_for_awards=awards,
            opening_for_organising=organising,
        )
        carried[source] = (balance.for_awards, balance.for_organising)
        if year is None or y == year:
            out.append(balance)
    return out


def unreturned(session: Session, ctx: Context, item_id: int) -> int:
    """What the fund paid one awardee and has not had back: what an annulment's recovery returns to it."""
    paid, recovered = _item_money(session, ctx.policy.province, item_id)
    return max(paid - recovered, 0)


def _item_money(session: Session, province: str, item_id: int) -> tuple[int, int]:
    """(paid, recovered) of one awardee, reversals counted."""
    paid = recovered = 0
    for entry, effect in _effects(session, province, decision_item_id=item_id):
        kind = _effective_kind(session, entry)
        if kind == FundEntryKind.PAYMENT.value:
            paid += -effect
        elif kind == FundEntryKind.RECOVERY.value:
            recovered += effect
    return paid, recovered


def _view(entry: m.FundEntry, effect: int, reversed_by: dict[int, int]) -> EntryView:
    return EntryView(
        id=entry.id,
        year=entry.year,
        source=entry.source,
        source_label=FundSource(entry.source).label,
        kind=entry.kind,
        kind_label=FundEntryKind(entry.kind).label,
        amount=entry.amount,
        signed=effect,
        decision_id=entry.decision_id,
        decision_item_id=entry.decision_item_id,
        payee=entry.payee,
        voucher_number=entry.voucher_number,
        voucher_date=entry.voucher_date,
        voucher_file_name=entry.voucher_file_name,
        voucher_sha256=entry.voucher_sha256,
        reverses_id=entry.reverses_id,
        reversed_by_id=reversed_by.get(entry.id),
        note=entry.note,
    )


def ledger(ctx: Context, username: str, year: int | None = None) -> list[EntryView]:
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        require_any_role(actor, FUND_ROLES, "Xem sổ quỹ thi đua, khen thưởng")
        where = {"year": year} if year is not None else {}
        effects = _effects(uow.session, ctx.policy.province, **where)
        reversed_by = {e.reverses_id: e.id for e, _ in effects if e.reverses_id is not None}
        if year is not None:  # a reversal may sit in the same year only, but be safe
            for target, by in uow.session.execute(
                select(m.FundEntry.reverses_id, m.FundEntry.id).where(
                    m.FundEntry.reverses_id.in_([e.id for e, _ in effects])
                )
            ).all():
                if target is not None:
                    reversed_by[target] = by
        return [_view(e, effect, reversed_by) for e, effect in effects]


def balances(ctx: Context, username: str, year: int | None = None) -> list[Balance]:
    """The balance of each budget year and source (of ``year`` only when given, every source shown)."""
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        require_any_role(actor, FUND_ROLES, "Xem số dư quỹ thi đua, khen thưởng")
        return _balances(uow.session, ctx.policy.province, year)


def book_version(ctx: Context) -> int | None:
    """The fund book's version, for a form to send back (None: no line yet)."""
    with ctx.reader() as uow:
        book = uow.session.get(m.FundBook, ctx.policy.province)
        return book.version if book is not None else None


def awards_money(ctx: Context, username: str, year: int | None = None) -> list[AwardMoney]:
    """Every awardee of the province's issued decisions (of decisions dated in ``year`` when given)."""
    with ctx.reader() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_any_role(actor, FUND_ROLES, "Xem tiền thưởng theo quyết định")
        query = (
            select(m.Decision, m.DecisionItem, m.Annulment)
            .join(m.DecisionItem, m.DecisionItem.decision_id == m.Decision.id)
            .outerjoin(
                m.Annulment,
                (m.Annulment.nomination_id == m.DecisionItem.nomination_id)
                & (m.Annulment.decision_id == m.DecisionItem.decision_id),
            )
            .where(
                m.Decision.status == DecisionStatus.ISSUED.value,
                m.Decision.province_id == ctx.policy.province,
            )
            .order_by(m.Decision.decision_date, m.Decision.id, m.DecisionItem.ordinal)
        )
        if year is not None:
            query = query.where(
                m.Decision.decision_date >= date(year, 1, 1), m.Decision.decision_date <= date(year, 12, 31)
            )
        paid: dict[int, int] = defaultdict(int)
        recovered: dict[int, int] = defaultdict(int)
        for entry, effect in _effects(session, ctx.policy.province):
            if entry.decision_item_id is None:
                continue
            kind = _effective_kind(session, entry)
            if kind == FundEntryKind.PAYMENT.value:
                paid[entry.decision_item_id] += -effect
            elif kind == FundEntryKind.RECOVERY.value:
                recovered[entry.decision_item_id] += effect
        return [
            AwardMoney(
                decision_id=d.id,
                decision_number=d.number_text,
                decision_date=d.decision_date,
                item_id=i.id,
                ordinal=i.ordinal,
                name=i.nominee_name,
                award_name=d.award_name,
                amount=i.reward_amount,
                paid=paid[i.id],
                recovered=recovered[i.id],
                annulled_by=_annulled_text(a),
            )
            for d, i, a in session.execute(query).all()
        ]


def _annulled_text(annulment: m.Annulment | None) -> str | None:
    if annulment is None:
        return None
    return f"Quyết định số {annulment.act_number} ngày {annulment.act_date:%d/%m/%Y}"


# --- writing -------------------------------------------------------------------------------------------


def _append(
    session: Session,
    ctx: Context,
    actor: Actor | None,
    expected_version: int | None,
    entry: m.FundEntry,
    action: str,
) -> m.FundEntry:
    """Add one line: bump the book (the version check), add the line, write its audit event."""
    book = session.get(m.FundBook, ctx.policy.province)
    if book is None:
        if expected_version is not None:
            raise StaleVersion("Sổ quỹ chưa có bút toán nào; hãy mở lại trang. Không có gì thay đổi.")
        book = m.FundBook(province_id=ctx.policy.province, entries=0)
        session.add(book)
    elif expected_version is not None and book.version != expected_version:
        raise StaleVersion(
            f"Sổ quỹ vừa có bút toán khác (phiên bản {book.version}, trang đang mở là {expected_version}); "
            "hãy mở lại và kiểm tra. Không có gì thay đổi."
        )
    book.entries += 1
    session.add(entry)
    session.flush()
    audit.record(
        session,
        at=entry.recorded_at,
        actor=actor,
        action=action,
        entity_type="fund_entry",
        entity_id=entry.id,
        data={
            "kind": entry.kind,
            "year": entry.year,
            "source": entry.source,
            "amount": entry.amount,
            "decision_item_id": entry.decision_item_id,
            "voucher": entry.voucher_number,
            "reverses": entry.reverses_id,
        },
    )
    return entry


def _source(value: str) -> str:
    try:
        return FundSource(value).value
    except ValueError:
        known = ", ".join(s.label for s in FundSource)
        raise InputRejected(f"Nguồn quỹ '{value}' không có (có: {known}).") from None


MAX_AMOUNT = 999_999_999_999_999
"""The largest amount one ledger line takes (under a million billion đồng): far above any province's
allocation, well inside the 64-bit column (``fund_entries.amount``); a longer figure is a slip of the
finger and is refused by name."""


def _amount(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InputRejected(f"Số tiền phải là số nguyên dương (đồng), không phải '{value}'.")
    if value > MAX_AMOUNT:
        raise InputRejected(
            f"Số tiền {value:,} đ quá lớn: mỗi bút toán tối đa {MAX_AMOUNT:,} đồng.".replace(",", ".")
        )
    return value


def _voucher(ctx: Context, voucher: Voucher, today: date) -> tuple[str, Evidence | None]:
    number = clean_text(voucher.number or "", max_length=100)
    if not number:
        raise InputRejected("Cần số chứng từ của khoản chi/thu này.")
    if voucher.dated > today:
        raise InputRejected(f"Ngày chứng từ {voucher.dated:%d/%m/%Y} chưa đến.")
    if voucher.data is None:
        return number, None
    name = voucher.file_name or "chung-tu.pdf"
    spec = DocumentIn(kind=DocumentKind.KHAC, file=name)
    found, problem = read_evidence(
        MappingSource({name: voucher.data}),
        spec,
        max_bytes=ctx.settings.max_evidence_bytes,
        field="voucher_file",
    )
    if problem is not None:
        raise InputRejected(f"Tệp chứng từ: {problem.message}.")
    return number, found


def _note(note: str | None) -> str | None:
    text = clean_text(note or "", multiline=True, max_length=2000)
    return text or None


def record_income(
    ctx: Context,
    username: str,
    *,
    year: int,
    source: str,
    amount: int,
    voucher: Voucher,
    note: str | None = None,
    expected_version: int | None = None,
) -> EntryView:
    """Money the fund receives for a budget year: the budget allocation or a contribution."""
    now = ctx.clock.now()
    today = ctx.clock.today()
    src, amt = _source(source), _amount(amount)
    if not 1945 <= year <= today.year + 1:
        raise InputRejected(f"Năm ngân sách '{year}' không hợp lệ.")
    number, file = _voucher(ctx, voucher, today)
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_any_role(actor, FUND_ROLES, "Ghi nguồn quỹ thi đua, khen thưởng")
        entry = _append(
            session,
            ctx,
            actor,
            expected_version,
            _line(ctx, actor, now, year, src, FundEntryKind.INCOME, amt, number, voucher, file, note),
            "fund_income",
        )
        with stored(ctx.store, session, [file] if file else []):
            uow.commit()
        return _view(entry, amt, {})


def _line(
    ctx: Context,
    actor: Actor | None,
    now: Any,
    year: int,
    source: str,
    kind: FundEntryKind,
    amount: int,
    number: str | None,
    voucher: Voucher | None,
    file: Evidence | None,
    note: str | None,
    **extra: Any,
) -> m.FundEntry:
    return m.FundEntry(
        province_id=ctx.policy.province,
        year=year,
        source=source,
        kind=kind.value,
        amount=amount,
        voucher_number=number,
        voucher_date=voucher.dated if voucher else None,
        voucher_file_name=file.file_name if file else None,
        voucher_sha256=file.sha256 if file else None,
        note=_note(note),
        recorded_at=now,
        recorded_by_id=actor.person_id if actor else None,
        **extra,
    )


def _awardee(session: Session, ctx: Context, item_id: int) -> tuple[m.Decision, m.DecisionItem]:
    item = session.get(m.DecisionItem, item_id)
    if item is None:
        raise NotFound("người/tập thể trong quyết định", item_id)
    decision = session.get(m.Decision, item.decision_id)
    assert decision is not None
    if decision.status != DecisionStatus.ISSUED.value or decision.province_id != ctx.policy.province:
        raise InputRejected(
            f"Quyết định số {decision.id} chưa ban hành (hoặc không phải của tỉnh): chưa chi thưởng được."
        )
    return decision, item


def _available(session: Session, ctx: Context, year: int, source: str) -> Balance:
    return next(b for b in _balances(session, ctx.policy.province, year) if b.source == source)


def record_payment(
    ctx: Context,
    username: str,
    *,
    item_id: int,
    amount: int,
    voucher: Voucher,
    source: str = FundSource.NGAN_SACH.value,
    note: str | None = None,
    expected_version: int | None = None,
) -> EntryView:
    """Pay an awardee of an issued decision (all or part of what the decision gives), from the fund of
    the voucher's year; refused beyond what is still owed or what the fund holds for awards."""
    now = ctx.clock.now()
    today = ctx.clock.today()
    src, amt = _source(source), _amount(amount)
    number, file = _voucher(ctx, voucher, today)
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_any_role(actor, FUND_ROLES, "Chi tiền thưởng")
        decision, item = _awardee(session, ctx, item_id)
        assert decision.decision_date is not None
        if voucher.dated < decision.decision_date:
            raise InputRejected(
                f"Ngày chứng từ {voucher.dated:%d/%m/%Y} trước ngày quyết định {decision.decision_date:%d/%m/%Y}."
            )
        annulled = session.scalar(
            select(m.Annulment).where(
                m.Annulment.nomination_id == item.nomination_id, m.Annulment.decision_id == decision.id
            )
        )
        if annulled is not None:
            raise InputRejected(
                f"Khen thưởng của {item.nominee_name} đã bị hủy bỏ bằng {_annulled_text(annulled)} "
                "(Điều 56 Nghị định 152/2025/NĐ-CP): không chi thưởng."
            )
        paid, _recovered = _item_money(session, ctx.policy.province, item.id)
        owed = item.reward_amount - paid
        if amt > owed:
            raise InputRejected(
                f"{item.nominee_name}: quyết định {decision.number_text or decision.id} cho {item.reward_amount:,} đ, "
                f"đã chi {paid:,} đ; còn {owed:,} đ, không chi {amt:,} đ được.".replace(",", ".")
            )
        year = voucher.dated.year
        fund = _available(session, ctx, year, src)
        if amt > fund.for_awards:
            raise InputRejected(
                f"Quỹ năm {year} ({FundSource(src).label}) còn {fund.for_awards:,} đ cho tiền thưởng sau khi trích "
                f"phần chi tổ chức ({fund.rule}); không chi {amt:,} đ được.".replace(",", ".")
            )
        entry = _append(
            session,
            ctx,
            actor,
            expected_version,
            _line(
                ctx,
                actor,
                now,
                year,
                src,
                FundEntryKind.PAYMENT,
                amt,
                number,
                voucher,
                file,
                note,
                decision_id=decision.id,
                decision_item_id=item.id,
                payee=item.nominee_name,
            ),
            "fund_payment",
        )
        with stored(ctx.store, session, [file] if file else []):
            uow.commit()
        return _view(entry, -amt, {})


def record_organising(
    ctx: Context,
    username: str,
    *,
    source: str,
    amount: int,
    voucher: Voucher,
    note: str | None = None,
    expected_version: int | None = None,
) -> EntryView:
    """Spend from the share set aside for organising the work (Điều 48 k1 a), within what is left."""
    now = ctx.clock.now()
    today = ctx.clock.today()
    src, amt = _source(source), _amount(amount)
    number, file = _voucher(ctx, voucher, today)
    if not _note(note):
        raise InputRejected("Cần nội dung chi: chi cho việc gì của công tác thi đua, khen thưởng.")
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_any_role(actor, FUND_ROLES, "Chi tổ chức công tác thi đua, khen thưởng")
        year = voucher.dated.year
        fund = _available(session, ctx, year, src)
        if amt > fund.for_organising:
            raise InputRejected(
                f"Phần trích chi tổ chức của quỹ năm {year} ({FundSource(src).label}) còn {fund.for_organising:,} đ "
                f"({fund.rule}); không chi {amt:,} đ được.".replace(",", ".")
            )
        entry = _append(
            session,
            ctx,
            actor,
            expected_version,
            _line(ctx, actor, now, year, src, FundEntryKind.ORGANISING, amt, number, voucher, file, note),
            "fund_organising",
        )
        with stored(ctx.store, session, [file] if file else []):
            uow.commit()
        return _view(entry, -amt, {})


def recovery_entry(
    session: Session,
    ctx: Context,
    actor: Actor | None,
    *,
    item_id: int,
    voucher: Voucher,
    amount: int | None = None,
    note: str | None = None,
) -> m.FundEntry:
    """The recovery line in the caller's transaction (the annulment's, when it calls this): the money
    an awardee gives back after the award was annulled (NĐ 152/2025 Điều 58), at most what they were
    paid and have not yet returned; into the fund of the year it comes back, source of the payment."""
    decision, item = _awardee(session, ctx, item_id)
    paid, recovered = _item_money(session, ctx.policy.province, item.id)
    left = paid - recovered
    amt = left if amount is None else _amount(amount)
    if left <= 0:
        raise InputRejected(
            f"{item.nominee_name} chưa nhận khoản tiền thưởng nào chưa thu hồi: không có gì để thu hồi."
        )
    if amt > left:
        raise InputRejected(
            f"{item.nominee_name} đã nhận {paid:,} đ, đã nộp lại {recovered:,} đ: thu hồi tối đa {left:,} đ, "
            f"không phải {amt:,} đ.".replace(",", ".")
        )
    number = clean_text(voucher.number or "", max_length=100)
    if not number:
        raise InputRejected("Cần số chứng từ của khoản thu hồi.")
    payment_source = session.scalar(
        select(m.FundEntry.source)
        .where(m.FundEntry.decision_item_id == item.id, m.FundEntry.kind == FundEntryKind.PAYMENT.value)
        .order_by(m.FundEntry.id.desc())
        .limit(1)
    )
    rule: FundPeriod = fund_rules().for_year(voucher.dated.year)
    return _append(
        session,
        ctx,
        actor,
        None,
        _line(
            ctx,
            actor,
            ctx.clock.now(),
            voucher.dated.year,
            payment_source or FundSource.NGAN_SACH.value,
            FundEntryKind.RECOVERY,
            amt,
            number,
            voucher,
            None,
            note or rule.recovery,
            decision_id=decision.id,
            decision_item_id=item.id,
            payee=item.nominee_name,
        ),
        "fund_recovery",
    )


def record_recovery(
    ctx: Context,
    username: str,
    *,
    item_id: int,
    voucher: Voucher,
    amount: int | None = None,
    note: str | None = None,
) -> EntryView:
    """Record money given back after an annulment (the whole unreturned payment unless ``amount``).

    The coordinator calls this (or ``recovery_entry`` inside the annulment's own transaction) from the
    annulment's service.
    """
    if voucher.dated > ctx.clock.today():
        raise InputRejected(f"Ngày chứng từ {voucher.dated:%d/%m/%Y} chưa đến.")
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_any_role(actor, FUND_ROLES, "Thu hồi tiền thưởng")
        entry = recovery_entry(
            session, ctx, actor, item_id=item_id, voucher=voucher, amount=amount, note=note
        )
        uow.commit()
        return _view(entry, entry.amount, {})


def reverse_entry(
    ctx: Context, username: str, entry_id: int, *, reason: str, expected_version: int | None = None
) -> EntryView:
    """Cancel a wrong line with a new line of the opposite effect; the wrong line stays as it was."""
    now = ctx.clock.now()
    why = _note(reason)
    if not why:
        raise InputRejected("Cần lý do điều chỉnh.")
    with ctx.uow() as uow:
        session = uow.session
        actor = load_actor(session, username)
        require_any_role(actor, FUND_ROLES, "Điều chỉnh sổ quỹ")
        target = session.get(m.FundEntry, entry_id)
        if target is None or target.province_id != ctx.policy.province:
            raise NotFound("bút toán", entry_id)
        if target.kind == FundEntryKind.REVERSAL.value:
            raise InputRejected(f"Bút toán {entry_id} là bút toán đảo; ghi lại khoản đúng thay vì đảo nó.")
        already = session.scalar(select(func.count()).where(m.FundEntry.reverses_id == entry_id))
        if already:
            raise InputRejected(f"Bút toán {entry_id} đã được đảo.")
        if target.kind in (FundEntryKind.INCOME.value, FundEntryKind.RECOVERY.value):
            # The money left that year is carried into every later one: none of them may go below zero.
            later = [
                b
                for b in _balances(session, ctx.policy.province)
                if b.source == target.source and b.year >= target.year
            ]
            short = next((b for b in later if target.amount > b.total), None)
            if short is not None:
                raise InputRejected(
                    f"Đảo bút toán {entry_id} ({target.amount:,} đ) làm quỹ năm {short.year} âm (còn {short.total:,} đ): "
                    "đảo các khoản chi trước.".replace(",", ".")
                )
        entry = _append(
            session,
            ctx,
            actor,
            expected_version,
            m.FundEntry(
                province_id=target.province_id,
                year=target.year,
                source=target.source,
                kind=FundEntryKind.REVERSAL.value,
                amount=target.amount,
                decision_id=target.decision_id,
                decision_item_id=target.decision_item_id,
                payee=target.payee,
                reverses_id=target.id,
                note=why,
                recorded_at=now,
                recorded_by_id=actor.person_id,
            ),
            "fund_reverse",
        )
        uow.commit()
        return _view(entry, -SIGN[target.kind] * target.amount, {})


def voucher_file(ctx: Context, username: str, entry_id: int) -> tuple[str, bytes]:
    with ctx.reader() as uow:
        actor = load_actor(uow.session, username)
        require_any_role(actor, FUND_ROLES, "Xem chứng từ")
        entry = uow.session.get(m.FundEntry, entry_id)
        if entry is None or entry.voucher_sha256 is None or entry.province_id != ctx.policy.province:
            raise NotFound("chứng từ của bút toán", entry_id)
        return entry.voucher_file_name or "chung-tu", ctx.store.read(entry.voucher_sha256)
