"""The record of one dossier, bloc round, council session or decision, for printing and for files (issue 22).

Each export carries a SHA-256 digest of its content (title, column names and every cell, as text), so a
copy can be checked later: ``verify`` reads a .csv or .xlsx back, recomputes the digest of what it holds
and compares it with the digest it states, then with the record as the database holds it now.

A council session's record is its participation only — who opened it, who attended, who cast a ballot
and how (in person, in writing), who closed it — never a ballot's content: ballots are sealed
(``services.ballots``) and the events of a session carry no choices; the export shows no event data at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow import spreadsheets
from thidua_workflow.clock import VIETNAM
from thidua_workflow.db import models as m
from thidua_workflow.domain.authz import Actor
from thidua_workflow.domain.enums import (
    DecisionStatus,
    LabelledEnum,
    NominationStatus,
    RoundStatus,
    SessionStatus,
    TaskStatus,
)
from thidua_workflow.domain.text import nfc
from thidua_workflow.domain.vocabulary import ACTION_LABELS
from thidua_workflow.errors import InputRejected, NotFound
from thidua_workflow.services.context import Context
from thidua_workflow.services.visibility import require_nomination, require_province, require_round

KINDS = {
    "nomination": "Hồ sơ đề nghị",
    "round": "Vòng bình xét khối",
    "session": "Phiên họp Hội đồng",
    "decision": "Quyết định khen thưởng",
}
HEADERS = ["STT", "Thời gian", "Người thực hiện", "Thực hiện thay", "Thao tác", "Từ", "Đến", "Ghi chú"]
# What a session's record may show beyond who did what: how a member took part, never what they chose.
PARTICIPATION_ACTIONS = frozenset(
    {"session_open", "session_attendance", "council_ballot", "council_written_ballot", "session_close"}
)


@dataclass(frozen=True)
class AuditRecord:
    kind: str
    entity_id: int
    title: str
    headers: list[str]
    rows: list[list[str]]
    digest: str

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        writer.writerow([])
        writer.writerow(["Tiêu đề", self.title])
        writer.writerow(["SHA-256", self.digest])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads UTF-8 as such

    def xlsx_bytes(self) -> bytes:
        tail: list[list[str]] = [[], ["Tiêu đề", self.title], ["SHA-256", self.digest]]
        return spreadsheets.rows_to_xlsx(
            f"Nhật ký {self.kind} {self.entity_id}", self.headers, [*self.rows, *tail]
        )


def digest_of(title: str, headers: list[str], rows: list[list[str]]) -> str:
    """SHA-256 over the content as text: one line per row, cells joined by tabs, NFC, UTF-8."""
    lines = [title, "\t".join(headers), *("\t".join(row) for row in rows)]
    return hashlib.sha256(nfc("\n".join(lines)).encode("utf-8")).hexdigest()


STATE_ENUMS: tuple[type[LabelledEnum], ...] = (
    NominationStatus,
    DecisionStatus,
    RoundStatus,
    SessionStatus,
    TaskStatus,
)


def _state(value: str | None) -> str:
    """A state as people name it, whatever record it belongs to (the code when none names it)."""
    if not value:
        return ""
    for kind in STATE_ENUMS:
        try:
            return str(kind(value).label)
        except ValueError:
            continue
    return value


def _label(action: str) -> str:
    from thidua_workflow.domain import lifecycle

    if lifecycle.can_name(action):
        return lifecycle.get(action).label
    return ACTION_LABELS.get(action, action)


def export(ctx: Context, viewer: Actor, kind: str, entity_id: int) -> AuditRecord:
    """The record of one thing the viewer may see, with its digest."""
    if kind not in KINDS:
        raise InputRejected(f"Không xuất được nhật ký loại '{kind}'; chọn: {', '.join(KINDS)}.")
    with ctx.reader() as uow:
        session = uow.session
        title = _title_and_check(session, viewer, kind, entity_id)
        query = (
            select(m.AuditEvent)
            .where(m.AuditEvent.entity_type == kind, m.AuditEvent.entity_id == str(entity_id))
            .order_by(m.AuditEvent.id)
        )
        if kind == "session":
            query = query.where(m.AuditEvent.action.in_(PARTICIPATION_ACTIONS))
        rows = []
        for i, e in enumerate(session.scalars(query), start=1):
            at = e.at.astimezone(VIETNAM)
            rows.append(
                [
                    str(i),
                    f"{at:%d/%m/%Y %H:%M:%S}",
                    e.actor_label,
                    e.on_behalf_of_label or "",
                    _label(e.action),
                    _state(e.from_state),
                    _state(e.to_state),
                    nfc(e.comment or ""),
                ]
            )
    return AuditRecord(kind, entity_id, title, list(HEADERS), rows, digest_of(title, HEADERS, rows))


def _title_and_check(session: Session, viewer: Actor, kind: str, entity_id: int) -> str:
    if kind == "nomination":
        n = session.get(m.Nomination, entity_id)
        if n is None:
            raise NotFound("hồ sơ đề nghị", entity_id)
        require_nomination(session, viewer, n)
        return f"Nhật ký hồ sơ số {n.id}: {n.nominee_name}"
    if kind == "round":
        r = session.get(m.BlocRound, entity_id)
        if r is None:
            raise NotFound("vòng bình xét", entity_id)
        require_round(session, viewer, r)
        return f"Nhật ký vòng bình xét số {r.id} ({r.bloc_id}, {r.period_code})"
    if kind == "session":
        require_province(viewer, "nhật ký phiên họp Hội đồng")
        s = session.get(m.CouncilSession, entity_id)
        if s is None:
            raise NotFound("phiên họp", entity_id)
        return f"Nhật ký tham dự phiên họp Hội đồng số {s.id} (không gồm nội dung phiếu)"
    require_province(viewer, "nhật ký quyết định")
    d = session.get(m.Decision, entity_id)
    if d is None:
        raise NotFound("quyết định", entity_id)
    number = f" số {d.number_text}" if d.number_text else f" (dự thảo số {d.id})"
    return f"Nhật ký quyết định{number}: {d.award_name}"


@dataclass(frozen=True)
class Verification:
    intact: bool  # the file's content matches the digest it states
    stated: str
    computed: str
    title: str
    rows: int
    message: str


def read_copy(name: str, raw: bytes) -> tuple[str, list[str], list[list[str]], str]:
    """(title, headers, rows, stated digest) from an exported .csv or .xlsx."""
    table: list[list[str]]
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # a damaged workbook is the person's file, not our fault
            raise InputRejected(f"Tệp '{name}' không đọc được như bảng tính .xlsx.") from exc
        table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif name.lower().endswith(".csv"):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputRejected(f"Tệp '{name}' không phải văn bản UTF-8.") from exc
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise InputRejected("Chỉ kiểm tra được tệp .csv hoặc .xlsx đã xuất từ hệ thống.")
    stated = next((r[1] for r in table if len(r) > 1 and r[0] == "SHA-256"), None)
    title = next((r[1] for r in table if len(r) > 1 and r[0] == "Tiêu đề"), None)
    if stated is None or title is None or not table:
        raise InputRejected(f"Tệp '{name}' không có dòng 'SHA-256' và 'Tiêu đề' của bản xuất nhật ký.")
    headers = _trim(table[0])
    rows = []
    for row in table[1:]:
        cells = _trim(row)
        if not any(cells):
            break
        rows.append(cells + [""] * (len(headers) - len(cells)))
    return title, headers, rows, stated


def _trim(row: list[str]) -> list[str]:
    cells = list(row)
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def verify(name: str, raw: bytes) -> Verification:
    """Check a copy: does its content still match the digest printed in it?"""
    title, headers, rows, stated = read_copy(name, raw)
    computed = digest_of(title, headers, rows)
    intact = computed == stated.strip().lower()
    message = (
        "Bản sao nguyên vẹn: nội dung khớp mã SHA-256 ghi trong tệp."
        if intact
        else "Bản sao đã bị sửa: nội dung không khớp mã SHA-256 ghi trong tệp."
    )
    return Verification(intact, stated, computed, title, len(rows), message)
