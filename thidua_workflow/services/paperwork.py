"""The paperwork of a round, from Word templates: the bloc's minutes, the Tờ trình to the Chairman, the
council's minutes, the notice of results to units, and the decision as .docx (its PDF stays ReportLab's).

Each document is made from the records at the step where it belongs (a closed bloc round, a closed
council session, a decision) as .docx from its template, or as PDF through LibreOffice. A signed scan
of a document comes back into the dossier with ``attach_signed``. Secret ballots stay secret: the
council's minutes show who took part and each nomination's tally, never who voted how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thidua_workflow.certificates import word
from thidua_workflow.certificates.decision_pdf import word_context
from thidua_workflow.db import models as m
from thidua_workflow.db.blobs import sha256_hex
from thidua_workflow.domain.authz import require_role
from thidua_workflow.domain.enums import DecisionStatus, DocumentKind, NominationStatus, Role, SessionStatus
from thidua_workflow.domain.schemas import DocumentIn
from thidua_workflow.domain.text import nfc, number_vi, vietnamese_date
from thidua_workflow.domain.vocabulary import rule_name
from thidua_workflow.errors import InputRejected, NotFound, TransitionNotAllowed
from thidua_workflow.services import audit, directory, posting
from thidua_workflow.services.actors import load_actor
from thidua_workflow.services.certificates import decision_document, decision_pdf
from thidua_workflow.services.context import Context
from thidua_workflow.services.council import national_forms
from thidua_workflow.services.eligibility import findings_for
from thidua_workflow.services.evidence import Evidence, stored

# kind → what it is about: a bloc round, a council session, or a decision
SUBJECTS = {
    "bien-ban-khoi": "round",
    "to-trinh": "session",
    "bien-ban-hoi-dong": "session",
    "thong-bao": "session",
    "quyet-dinh": "decision",
}
FORMATS = ("docx", "pdf")
MAX_SCAN_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class MadeDocument:
    kind: str
    subject_id: int
    file_name: str
    content: bytes
    template: str  # the template's path: the province's own, or the bundled default

    @property
    def media_type(self) -> str:
        if self.file_name.endswith(".pdf"):
            return "application/pdf"
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def override_folder(ctx: Context) -> Path | None:
    """The province's own templates: ``templates/`` beside its policy file (THIDUA_POLICY_PATH)."""
    path = ctx.settings.policy_path
    return path.parent / "templates" if path is not None else None


def _local(ctx: Context, at: datetime | None) -> date:
    return (at or ctx.clock.now()).astimezone(ctx.clock.tz).date()


def _place_date(ctx: Context, day: date) -> str:
    return f"{ctx.policy.province_name}, {vietnamese_date(day)}"


def _province_body(ctx: Context) -> str:
    return f"ỦY BAN NHÂN DÂN TỈNH {nfc(ctx.policy.province_name).upper()}"


def _award_name(ctx: Context, n: m.Nomination) -> str:
    return ctx.policy.period_by_code(n.policy_period).award_form(n.award_form).name


def _count_phrase(kinds: list[str]) -> str:
    nouns = {"collective": "tập thể", "person": "cá nhân", "household": "hộ gia đình"}
    parts = [f"{kinds.count(k):02d} {noun}" for k, noun in nouns.items() if k in kinds]
    return ", ".join(parts)


def _round_context(ctx: Context, session: Session, round_id: int) -> dict[str, Any]:
    found = session.get(m.BlocRound, round_id)
    if found is None:
        raise NotFound("vòng bình xét", round_id)
    if found.status != "closed":
        raise TransitionNotAllowed(f"Vòng bình xét số {round_id} chưa kết thúc: chưa lập được biên bản.")
    bloc = session.get(m.Bloc, found.bloc_id)
    bloc_name = bloc.name if bloc is not None else found.bloc_id
    day = _local(ctx, found.closed_at)
    result = dict(found.result)
    names = directory.unit_names(ctx, day)
    closer = session.get(m.Person, found.closed_by_id) if found.closed_by_id else None
    nominations = {
        n.id: n
        for n in session.scalars(
            select(m.Nomination).where(
                m.Nomination.id.in_([o["nomination"] for o in result.get("outcomes", [])])
            )
        )
    }
    votes = []
    proposed = []
    for i, outcome in enumerate(result.get("outcomes", []), start=1):
        n = nominations[outcome["nomination"]]
        award = _award_name(ctx, n)
        verdict = (
            f"Đề nghị khen thưởng (xếp thứ {outcome['rank']})"
            if outcome["endorsed"]
            else f"Không đề nghị: {outcome['reason']}"
        )
        if outcome.get("priority"):  # women first among equals (issue 18): the minutes state it
            verdict += f"; {outcome['priority']}"
        votes.append(
            {
                "stt": f"{i:02d}",
                "nominee": f"{n.nominee_name} — {award}",
                "votes": f"{outcome['yes']}/{outcome['electorate']}",
                "outcome": verdict,
            }
        )
        if outcome["endorsed"]:
            unit = names.get(n.submitting_unit_id, n.submitting_unit_id)
            # A unit proposed as itself is not followed by its own name again.
            same = nfc(n.nominee_name).casefold() == nfc(unit).casefold()
            proposed.append(f"{award}: {n.nominee_name}" if same else f"{award}: {n.nominee_name} ({unit})")
    leader = result.get("leader")
    officers = result.get("next_officers") or {}
    conclusions = []
    if leader:
        conclusions.append(
            f"Đơn vị dẫn đầu Khối: {names.get(leader, leader)}, được suy tôn đề nghị tặng Cờ thi đua của "
            "Ủy ban nhân dân tỉnh."
        )
    quotas = result.get("quotas") or {}
    if quotas:
        period = ctx.policy.period_by_code(found.policy_period)
        conclusions.append(
            "Số lượng đề nghị tối đa của Khối: "
            + "; ".join(
                f"{period.award_form(k).name} {v:02d}"
                for k, v in sorted(quotas.items())
                if k in period.award_forms
            )
            + "."
        )
    if officers:
        conclusions.append(
            f"Trưởng khối năm {officers.get('year')}: {names.get(officers.get('chair', ''), officers.get('chair', ''))}; "
            f"phó khối: {names.get(officers.get('deputy', ''), officers.get('deputy', ''))}."
        )
    conclusions.append("Khối thống nhất đề nghị Ủy ban nhân dân tỉnh khen thưởng:")
    return {
        "body_parent": _province_body(ctx),
        "body_name": nfc(bloc_name).upper(),
        "number_line": "Số: …/BB-KTĐ",
        "place_date": _place_date(ctx, day),
        "title": f"Họp bình xét thi đua, khen thưởng {found.period_label} của {bloc_name}",
        "opening": [
            f"Hôm nay, {vietnamese_date(day)}, {bloc_name} họp bình xét, suy tôn các tập thể, cá nhân "
            f"có thành tích xuất sắc {found.period_label}.",
            f"Số đơn vị thành viên: {len(found.members):02d}. Mỗi đơn vị chấm điểm và bỏ phiếu cho các đơn vị khác, "
            "không bỏ phiếu cho đơn vị mình.",
        ],
        "present": [names.get(u, u) for u in found.members],
        "scores": [
            {
                "rank": f"{rank:02d}",
                "unit": names.get(s["unit"], s["unit"]),
                "score": number_vi(s["score"]),
                "sheets": str(s["sheets"]),
            }
            for rank, s in _ranked(result.get("unit_scores", []))
        ],
        "votes": votes,
        "conclusions": conclusions,
        "proposed": proposed,
        "closing": "Biên bản được lập thành 02 bản, đã đọc lại cho các đơn vị dự họp cùng nghe và thống nhất.",
        "recipients_title": "Nơi nhận:",
        "recipients": [
            "- Ban Thi đua – Khen thưởng (Sở Nội vụ);",
            "- Các đơn vị thành viên Khối;",
            "- Lưu: Khối.",
        ],
        "signer_lines": ["TM. KHỐI THI ĐUA", "TRƯỞNG KHỐI"],
        "signer_name": closer.full_name if closer is not None else "",
    }


def _ranked(unit_scores: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Units by score with equal scores on one rank (1, 2, 3, 3, 5): the minutes must not rank a tie."""
    ranked: list[tuple[int, dict[str, Any]]] = []
    for i, s in enumerate(unit_scores, start=1):
        tied = ranked and ranked[-1][1]["score"] == s["score"]
        ranked.append((ranked[-1][0] if tied else i, s))
    return ranked


@dataclass(frozen=True)
class _Item:
    nomination: m.Nomination
    award: str
    yes: int
    needs_vote: bool
    outcome: str | None
    threshold: str


def _session_items(ctx: Context, session: Session, council: m.CouncilSession) -> list[_Item]:
    items = []
    for row in session.scalars(
        select(m.SessionItem).where(m.SessionItem.session_id == council.id).order_by(m.SessionItem.id)
    ):
        n = session.get(m.Nomination, row.nomination_id)
        assert n is not None
        award = ctx.policy.period_by_code(n.policy_period).award_form(n.award_form)
        vote = award.council_vote
        threshold = f"{vote.describe()} tổng số thành viên" if vote is not None else "không bỏ phiếu"
        items.append(_Item(n, award.name, row.yes or 0, row.needs_vote, row.outcome, threshold))
    return items


def _finding_lines(session: Session, nominations: list[m.Nomination]) -> list[str]:
    """The appraiser's findings on criteria marked "cần thẩm định", as the minutes state them (issue 18)."""
    lines = []
    for n in nominations:
        found = findings_for(session, n.id, n.current_version)
        for rule, record in found.items():
            lines.append(
                f"Kết quả thẩm định tiêu chuẩn cần thẩm định — {n.nominee_name}: {rule_name(rule)}: "
                f"{record.finding.label.lower()} ({record.reason.rstrip(' .;')}; {record.by}, ngày {record.at})."
            )
    return lines


def _closed_session(session: Session, session_id: int) -> m.CouncilSession:
    council = session.get(m.CouncilSession, session_id)
    if council is None:
        raise NotFound("phiên họp", session_id)
    if council.status != SessionStatus.CLOSED.value:
        raise TransitionNotAllowed(
            f"Phiên họp số {session_id} chưa kết thúc: kết quả bỏ phiếu kín chưa có, chưa lập được văn bản."
        )
    return council


def _percent(yes: int, total: int) -> str:
    return f"{number_vi(100 * yes / total)}%" if total else "—"


OUTCOMES = {"approved": "Đạt", "rejected": "Không đạt", None: "Chưa xét"}


NO_BALLOT = "Không có trường hợp nào phải bỏ phiếu kín; các trường hợp được xét theo đề xuất thẩm định."


def _approved_how(items: list[_Item]) -> str:
    """How the approved cases passed: by the ballot's share, on the appraisal alone, or some of each.

    "đạt tỉ lệ phiếu" alone was written also of cases no one voted on (a session with none read '00/11')."""
    passed = [i for i in items if i.outcome == "approved"]
    voted = any(i.needs_vote for i in passed)
    unvoted = any(not i.needs_vote for i in passed)
    if voted and unvoted:
        return "đạt tỉ lệ phiếu hoặc theo đề xuất thẩm định"
    return "theo đề xuất thẩm định" if unvoted else "đạt tỉ lệ phiếu theo quy định"


def _council_minutes(ctx: Context, session: Session, session_id: int) -> dict[str, Any]:
    council = _closed_session(session, session_id)
    day = _local(ctx, council.closed_at)
    total = council.members_total
    members = session.scalars(select(m.SessionMember).where(m.SessionMember.session_id == session_id)).all()
    people = {
        p.id: p
        for p in session.scalars(select(m.Person).where(m.Person.id.in_([r.person_id for r in members])))
    }
    present = [people[r.person_id].full_name for r in members if r.present]
    written = [people[r.person_id].full_name for r in members if not r.present and r.voted]
    voted = sum(1 for r in members if r.voted)
    secretary = session.get(m.Person, council.closed_by_id) if council.closed_by_id else None
    rows = []
    items = _session_items(ctx, session, council)
    for i, item in enumerate(items, start=1):
        rows.append(
            {
                "stt": f"{i:02d}",
                "nominee": item.nomination.nominee_name,
                "award": item.award,
                "votes": f"{item.yes:02d}/{total:02d}" if item.needs_vote else "—",
                "percent": _percent(item.yes, total) if item.needs_vote else "—",
                "threshold": item.threshold,
                "outcome": OUTCOMES.get(item.outcome, item.outcome or ""),
            }
        )
    approved = sum(1 for r in rows if r["outcome"] == "Đạt")
    judged = _finding_lines(session, [item.nomination for item in items])
    # National awards the council approved go to the centre, not into the Chairman's decision (issue 19).
    national = national_forms(ctx)
    to_centre = [
        i.nomination.nominee_name
        for i in _session_items(ctx, session, council)
        if i.outcome == "approved" and i.nomination.award_form in national
    ]
    approved -= len(to_centre)
    return {
        "body_parent": _province_body(ctx),
        "body_name": "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG",
        "number_line": "Số: …/BB-HĐTĐKT",
        "place_date": _place_date(ctx, day),
        "title": council.title,
        "opening": [
            f"Hôm nay, {vietnamese_date(day)}, Hội đồng Thi đua – Khen thưởng tỉnh họp xét đề nghị khen thưởng.",
        ],
        "attendance": [
            f"Tổng số thành viên Hội đồng: {total:02d}; có mặt: {len(present):02d} "
            f"({_percent(len(present), total)}), đủ điều kiện tiến hành phiên họp."
            if total
            else "Hội đồng chưa có thành viên.",
            "Thành viên có mặt: " + ", ".join(present) + "." if present else "Không có thành viên có mặt.",
            (
                f"Thành viên vắng mặt gửi phiếu bằng văn bản: {len(written):02d} ("
                + ", ".join(written)
                + ")."
                if written
                else "Không có phiếu bằng văn bản."
            ),
            (
                f"Tổng số phiếu: {voted:02d}/{total:02d} ({_percent(voted, total)} tổng số thành viên)."
                if any(i.needs_vote for i in items)
                else NO_BALLOT
            ),
        ],
        "ballot_note": "Bỏ phiếu kín: biên bản ghi số phiếu đồng ý của từng trường hợp, không ghi ai bỏ phiếu thế nào. "
        "Tỉ lệ tính trên tổng số thành viên Hội đồng.",
        "rows": rows,
        "public_posting": posting.minutes_lines(
            ctx, session, [r.nomination.id for r in _session_items(ctx, session, council)]
        )
        or [
            "Không có trường hợp nào thuộc diện công khai trước khi họp Hội đồng (Điều 44 khoản 2 Nghị định 152/2025/NĐ-CP)."
        ],
        "conclusions": [
            *judged,
            f"Hội đồng thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh khen thưởng {approved:02d} trường hợp "
            f"{_approved_how(items)}.",
            *(
                [
                    f"Hội đồng thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh trình Thủ tướng Chính phủ khen thưởng "
                    f"cấp Nhà nước {len(to_centre):02d} trường hợp: {', '.join(to_centre)}."
                ]
                if to_centre
                else []
            ),
        ],
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Chủ tịch Ủy ban nhân dân tỉnh;", "- Thành viên Hội đồng;", "- Lưu: VT, Ban TĐKT."],
        "signer_lines": ["THƯ KÝ HỘI ĐỒNG"],
        "signer_name": secretary.full_name if secretary is not None else "",
    }


def _proposal(ctx: Context, session: Session, session_id: int) -> dict[str, Any]:
    council = _closed_session(session, session_id)
    day = _local(ctx, council.closed_at)
    total = council.members_total
    items = _session_items(ctx, session, council)
    forms: dict[str, list[str]] = {}
    for item in items:
        forms.setdefault(item.award, []).append(item.nomination.nominee_kind)
    rows = []
    for i, item in enumerate(items, start=1):
        result = (
            f"{item.yes:02d}/{total:02d} phiếu ({_percent(item.yes, total)}), ngưỡng {item.threshold}: "
            f"{OUTCOMES.get(item.outcome, '')}"
            if item.needs_vote
            else f"Không bỏ phiếu: {OUTCOMES.get(item.outcome, '')}"
        )
        rows.append(
            {
                "stt": f"{i:02d}",
                "nominee": item.nomination.nominee_name,
                "award": item.award,
                "result": result,
            }
        )
    approved = [i for i in items if i.outcome == "approved"]
    voted = int(council.result.get("voted", 0))
    present = int(council.result.get("present", 0))
    number = council.proposal_ref or "…/TTr-SNV"
    return {
        "body_parent": _province_body(ctx),
        "body_name": "SỞ NỘI VỤ",
        "number_line": f"Số: {number}",
        "place_date": _place_date(ctx, day),
        "subject": "Về việc đề nghị Chủ tịch Ủy ban nhân dân tỉnh khen thưởng",
        "addressee": f"Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh {ctx.policy.province_name}",
        "bases": [f"Căn cứ {line};" for line in ctx.policy.basis_lines(day)],
        "forms": [f"{name}: {_count_phrase(kinds)}" for name, kinds in forms.items()],
        "appraisal": [
            f"Ban Thi đua – Khen thưởng (Sở Nội vụ) đã thẩm định {len(items):02d} hồ sơ đề nghị: các hồ sơ đủ "
            "thành phần, đúng thủ tục và đạt tiêu chuẩn theo quy định.",
            *_finding_lines(session, [item.nomination for item in items]),
        ],
        "council": [
            (
                f"{council.title}: có mặt {present:02d}/{total:02d} thành viên; {voted:02d}/{total:02d} phiếu "
                "(kể cả phiếu bằng văn bản của thành viên vắng mặt)."
                if any(i.needs_vote for i in items)
                else f"{council.title}: có mặt {present:02d}/{total:02d} thành viên. {NO_BALLOT}"
            ),
            (
                f"Kết quả: {len(approved):02d}/{len(items):02d} trường hợp đạt tỉ lệ phiếu theo quy định "
                "(danh sách dưới đây)."
                if all(i.needs_vote for i in items)
                else f"Kết quả: {len(approved):02d}/{len(items):02d} trường hợp được đề nghị khen thưởng "
                f"{_approved_how(items)} (danh sách dưới đây)."
            ),
        ],
        "rows": rows,
        "closing": "Sở Nội vụ kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định khen thưởng các trường hợp "
        "đạt nêu trên./.",
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Như trên;", "- Lưu: VT, Ban TĐKT."],
        "signer_lines": ["GIÁM ĐỐC"],
        "signer_name": "",
    }


def _notice(ctx: Context, session: Session, session_id: int) -> dict[str, Any]:
    council = _closed_session(session, session_id)
    day = _local(ctx, council.closed_at)
    items = _session_items(ctx, session, council)
    names = directory.unit_names(ctx, day, {i.nomination.submitting_unit_id for i in items})
    rows = []
    for item in sorted(
        items, key=lambda i: (names.get(i.nomination.submitting_unit_id, ""), i.nomination.id)
    ):
        n = item.nomination
        decided = session.execute(
            select(m.Decision.number_text, m.Decision.decision_date)
            .join(m.DecisionItem, m.DecisionItem.decision_id == m.Decision.id)
            .where(m.DecisionItem.nomination_id == n.id, m.Decision.status == DecisionStatus.ISSUED.value)
        ).first()
        if decided is not None and decided[1] is not None:
            outcome = f"Được khen thưởng: Quyết định số {decided[0]} {vietnamese_date(decided[1])}"
        elif item.outcome == "approved":
            outcome = "Hội đồng đề nghị khen thưởng; chờ quyết định"
        elif n.status == NominationStatus.REJECTED.value:
            outcome = "Không đạt tỉ lệ phiếu của Hội đồng"
        else:
            outcome = OUTCOMES.get(item.outcome, "")
        rows.append(
            {
                "unit": names.get(n.submitting_unit_id, n.submitting_unit_id),
                "nominee": n.nominee_name,
                "award": item.award,
                "outcome": outcome,
            }
        )
    return {
        "body_parent": _province_body(ctx),
        "body_name": "SỞ NỘI VỤ",
        "number_line": "Số: …/TB-SNV",
        "place_date": _place_date(ctx, _local(ctx, None)),
        "subject": f"Kết quả xét khen thưởng — {council.title}",
        "opening": [
            "Sở Nội vụ thông báo đến các đơn vị kết quả xét, đề nghị khen thưởng của Hội đồng Thi đua – Khen "
            "thưởng tỉnh và quyết định khen thưởng của Chủ tịch Ủy ban nhân dân tỉnh như sau:",
        ],
        "rows": rows,
        "closing": "Các đơn vị có tập thể, cá nhân được khen thưởng liên hệ Ban Thi đua – Khen thưởng để nhận "
        "bằng, cờ và tiền thưởng theo quy định./.",
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Các đơn vị có tên trên;", "- Lưu: VT, Ban TĐKT."],
        "signer_lines": ["GIÁM ĐỐC"],
        "signer_name": "",
    }


def _decision_context(ctx: Context, session: Session, decision_id: int) -> dict[str, Any]:
    decision = session.get(m.Decision, decision_id)
    if decision is None:
        raise NotFound("quyết định", decision_id)
    return word_context(decision_document(ctx, session, decision))


BUILDERS = {
    "bien-ban-khoi": _round_context,
    "to-trinh": _proposal,
    "bien-ban-hoi-dong": _council_minutes,
    "thong-bao": _notice,
    "quyet-dinh": _decision_context,
}


def context(ctx: Context, kind: str, subject_id: int) -> dict[str, Any]:
    if kind not in BUILDERS:
        raise InputRejected(f"Không có loại văn bản '{kind}' (có: {', '.join(BUILDERS)}).")
    with ctx.reader() as uow:
        return BUILDERS[kind](ctx, uow.session, subject_id)


def file_stem(kind: str, subject_id: int) -> str:
    return f"{kind}-{SUBJECTS[kind][:1]}{subject_id}" if kind in SUBJECTS else kind


def make(ctx: Context, kind: str, subject_id: int, fmt: str = "docx") -> MadeDocument:
    """The document of this kind for this round, session or decision: .docx from its template, or PDF."""
    if fmt not in FORMATS:
        raise InputRejected(f"Định dạng '{fmt}' không có (có: {', '.join(FORMATS)}).")
    data = context(ctx, kind, subject_id)
    template = word.find_template(kind, override_folder(ctx))
    docx = word.render_docx(template, data)
    content = word.docx_to_pdf(docx) if fmt == "pdf" else docx
    return MadeDocument(kind, subject_id, f"{file_stem(kind, subject_id)}.{fmt}", content, str(template.path))


def available(ctx: Context) -> list[tuple[str, int]]:
    """Every document the records allow today: (kind, subject) for closed rounds, closed sessions, decisions."""
    with ctx.reader() as uow:
        s = uow.session
        rounds = s.scalars(
            select(m.BlocRound.id).where(m.BlocRound.status == "closed").order_by(m.BlocRound.id)
        )
        found = [("bien-ban-khoi", r) for r in rounds]
        sessions = list(
            s.scalars(
                select(m.CouncilSession.id)
                .where(m.CouncilSession.status == SessionStatus.CLOSED.value)
                .order_by(m.CouncilSession.id)
            )
        )
        for kind in ("to-trinh", "bien-ban-hoi-dong", "thong-bao"):
            found += [(kind, i) for i in sessions]
        decisions = s.scalars(
            select(m.Decision.id)
            .where(m.Decision.status != DecisionStatus.SENT_BACK.value)
            .order_by(m.Decision.id)
        )
        found += [("quyet-dinh", d) for d in decisions]
    return found


def export_all(ctx: Context, out: Path, *, pdf: bool = True) -> list[Path]:
    """Every document of the records, .docx and PDF, into a folder (the demo's export)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    to_convert: list[tuple[Path, bytes]] = []
    for kind, subject in available(ctx):
        made = make(ctx, kind, subject, "docx")
        (out / made.file_name).write_bytes(made.content)
        written.append(out / made.file_name)
        target = out / f"{file_stem(kind, subject)}.pdf"
        if not pdf:
            continue
        if kind == "quyet-dinh":  # the decision's PDF is the ReportLab one (exact, signable)
            target.write_bytes(decision_pdf(ctx, subject))
            written.append(target)
        else:
            to_convert.append((target, made.content))
    if to_convert:
        for (target, _docx), content in zip(
            to_convert, word.docx_to_pdfs([docx for _t, docx in to_convert]), strict=True
        ):
            target.write_bytes(content)
            written.append(target)
    return written


SIGNERS = {
    "bien-ban-khoi": Role.BLOC_REPRESENTATIVE,
    "to-trinh": Role.APPRAISER,
    "bien-ban-hoi-dong": Role.COUNCIL_SECRETARY,
    "thong-bao": Role.APPRAISER,
    "quyet-dinh": Role.REGISTRAR,
}


@dataclass(frozen=True)
class SignedScan:
    kind: str
    subject_id: int
    file_name: str
    sha256: str
    size: int
    by: str
    at: datetime


def attach_signed(
    ctx: Context, username: str, kind: str, subject_id: int, file_name: str, content: bytes
) -> SignedScan:
    """The signed and sealed scan of a document, back into the records (who, when, its SHA-256)."""
    if kind not in SUBJECTS:
        raise InputRejected(f"Không có loại văn bản '{kind}'.")
    if not content.startswith(b"%PDF-"):
        raise InputRejected("Bản ký quét phải là tệp PDF.")
    if len(content) > MAX_SCAN_BYTES:
        raise InputRejected(f"Tệp quá lớn ({len(content)} byte, tối đa {MAX_SCAN_BYTES}).")
    context(ctx, kind, subject_id)  # the document exists at this step
    now = ctx.clock.now()
    digest = sha256_hex(content)
    name = nfc(Path(file_name).name)[:200] or f"{file_stem(kind, subject_id)}-ky.pdf"
    with ctx.uow() as uow:
        s = uow.session
        actor = load_actor(s, username)
        require_role(actor, SIGNERS[kind])
        scan = Evidence(DocumentIn(kind=DocumentKind.KHAC, file=name), content, digest, "application/pdf")
        with stored(ctx.store, s, [scan]):
            audit.record(
                s,
                at=now,
                actor=actor,
                action="document_signed_scan",
                entity_type=SUBJECTS[kind],
                entity_id=subject_id,
                data={"kind": kind, "file_name": name, "sha256": digest, "size": len(content)},
            )
            uow.commit()
    return SignedScan(kind, subject_id, name, digest, len(content), username, now)


def signed_scans(ctx: Context, kind: str, subject_id: int) -> list[SignedScan]:
    with ctx.reader() as uow:
        rows = uow.session.scalars(
            select(m.AuditEvent)
            .where(
                m.AuditEvent.action == "document_signed_scan",
                m.AuditEvent.entity_type == SUBJECTS.get(kind, ""),
                m.AuditEvent.entity_id == str(subject_id),
            )
            .order_by(m.AuditEvent.id)
        )
        return [
            SignedScan(
                kind, subject_id, r.data["file_name"], r.data["sha256"], r.data["size"], r.actor_label, r.at
            )
            for r in rows
            if r.data.get("kind") == kind
        ]
