"""The path of a nomination as one table: every allowed arrow, who may take it; anything else is denied.

The services never assign a status directly: they ask :func:`transition` for the arrow and apply its
target, so the table below is the whole truth about what can happen to a nomination.
"""

from __future__ import annotations

from dataclasses import dataclass

from thidua_workflow.domain.enums import NominationStatus as S
from thidua_workflow.domain.enums import Role
from thidua_workflow.errors import TransitionNotAllowed


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S
    roles: frozenset[Role]
    label: str
    needs_reason: bool = False


# States from which the unit may still withdraw: before a draft decision lists the nominee.
WITHDRAWABLE = frozenset(
    {
        S.DRAFT,
        S.SUBMITTED,
        S.BLOC_REVIEW,
        S.BLOC_ENDORSED,
        S.APPRAISAL,
        S.RETURNED,
        S.COUNCIL_VOTE,
        S.COUNCIL_APPROVED,
        S.ON_HOLD,
    }
)
# States in which discipline or a complaint puts the nomination on hold.
HOLDABLE = WITHDRAWABLE - {S.DRAFT, S.ON_HOLD} | {S.IN_DECISION}


def _t(
    action: str,
    sources: set[S] | frozenset[S],
    target: S,
    roles: set[Role],
    label: str,
    *,
    needs_reason: bool = False,
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), label, needs_reason)


TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", {S.DRAFT}, S.SUBMITTED, {Role.UNIT_CLERK}, "Nộp hồ sơ"),
    _t("route_to_bloc", {S.SUBMITTED}, S.BLOC_REVIEW, {Role.SYSTEM}, "Chuyển Khối thi đua xét"),
    _t(
        "route_to_appraisal", {S.SUBMITTED}, S.APPRAISAL, {Role.SYSTEM}, "Chuyển thẩm định (thủ tục đơn giản)"
    ),
    _t(
        "intake_refuse",
        {S.SUBMITTED},
        S.REJECTED,
        {Role.SYSTEM},
        "Không chuyển được: vòng bình xét của khối đã bắt đầu",
        needs_reason=True,
    ),
    _t("bloc_endorse", {S.BLOC_REVIEW}, S.BLOC_ENDORSED, {Role.BLOC_REPRESENTATIVE}, "Khối đề nghị khen"),
    _t(
        "bloc_return",
        {S.BLOC_REVIEW},
        S.RETURNED,
        {Role.BLOC_REPRESENTATIVE},
        "Khối trả lại hồ sơ",
        needs_reason=True,
    ),
    _t(
        "bloc_reject",
        {S.BLOC_REVIEW},
        S.REJECTED,
        {Role.BLOC_REPRESENTATIVE},
        "Khối không đề nghị",
        needs_reason=True,
    ),
    _t(
        "forward_to_appraisal",
        {S.BLOC_ENDORSED},
        S.APPRAISAL,
        {Role.SYSTEM},
        "Chuyển Ban Thi đua – Khen thưởng",
    ),
    _t("appraisal_pass", {S.APPRAISAL}, S.COUNCIL_VOTE, {Role.APPRAISER}, "Thẩm định đạt"),
    _t(
        "appraisal_return",
        {S.APPRAISAL},
        S.RETURNED,
        {Role.APPRAISER},
        "Trả lại hồ sơ để hoàn thiện",
        needs_reason=True,
    ),
    _t(
        "appraisal_reject",
        {S.APPRAISAL},
        S.REJECTED,
        {Role.APPRAISER},
        "Thẩm định không đạt",
        needs_reason=True,
    ),
    _t("resubmit_to_bloc", {S.RETURNED}, S.BLOC_REVIEW, {Role.UNIT_CLERK}, "Nộp lại hồ sơ đã hoàn thiện"),
    # A dossier completed after its round opened voting waits for the chair (or deputy): onto the open
    # ballot, or on to the bloc's next round. If the round closes first, it goes to the next round.
    # These arrows keep the state (the bloc still reviews it) and put the choice and reason on record.
    _t(
        "bloc_add_to_ballot",
        {S.BLOC_REVIEW},
        S.BLOC_REVIEW,
        {Role.BLOC_REPRESENTATIVE},
        "Trưởng khối đưa hồ sơ đã hoàn thiện vào phiếu bình xét đang bỏ phiếu",
        needs_reason=True,
    ),
    _t(
        "bloc_defer",
        {S.BLOC_REVIEW},
        S.BLOC_REVIEW,
        {Role.BLOC_REPRESENTATIVE},
        "Trưởng khối chuyển hồ sơ sang vòng bình xét sau của khối",
        needs_reason=True,
    ),
    _t(
        "bloc_defer_auto",
        {S.BLOC_REVIEW},
        S.BLOC_REVIEW,
        {Role.SYSTEM},
        "Chuyển sang vòng bình xét sau của khối (vòng đã kết thúc trước khi trưởng khối quyết định)",
        needs_reason=True,
    ),
    _t(
        "bloc_carry_over",
        {S.BLOC_REVIEW},
        S.BLOC_REVIEW,
        {Role.SYSTEM},
        "Đưa vào vòng bình xét mới của khối (hồ sơ chuyển từ vòng trước)",
    ),
    _t("resubmit_to_appraisal", {S.RETURNED}, S.APPRAISAL, {Role.UNIT_CLERK}, "Nộp lại hồ sơ đã hoàn thiện"),
    _t("council_approve", {S.COUNCIL_VOTE}, S.COUNCIL_APPROVED, {Role.SYSTEM}, "Hội đồng thông qua"),
    _t(
        "council_reject",
        {S.COUNCIL_VOTE},
        S.REJECTED,
        {Role.SYSTEM},
        "Hội đồng không thông qua",
        needs_reason=True,
    ),
    _t(
        "draft_decision",
        {S.COUNCIL_APPROVED},
        S.IN_DECISION,
        {Role.COUNCIL_SECRETARY},
        "Trình dự thảo quyết định",
    ),
    _t(
        "send_back",
        {S.IN_DECISION},
        S.COUNCIL_VOTE,
        {Role.DECISION_SIGNER},
        "Người ký trả lại dự thảo",
        needs_reason=True,
    ),
    _t(
        "decide",
        {S.IN_DECISION},
        S.DECIDED,
        {Role.DECISION_SIGNER, Role.REGISTRAR},
        "Ban hành quyết định khen thưởng",
    ),
    _t("certify", {S.DECIDED}, S.CERTIFIED, {Role.REGISTRAR}, "Cấp bằng"),
    _t("withdraw", WITHDRAWABLE, S.WITHDRAWN, {Role.UNIT_CLERK}, "Đơn vị rút hồ sơ", needs_reason=True),
    _t(
        "hold",
        HOLDABLE,
        S.ON_HOLD,
        {Role.APPRAISER, Role.COUNCIL_SECRETARY},
        "Tạm dừng xét (kỷ luật, điều tra, khiếu nại)",
        needs_reason=True,
    ),
    # --- NĐ 152/2025 steps (issue 19) ---
    # A national award approved by the province's council goes to the central body (Điều 33 k10), not
    # into a decision of the Chairman; its outcome comes back as the central decision or a refusal.
    _t(
        "propose_national",
        {S.COUNCIL_APPROVED},
        S.NATIONAL_PROPOSED,
        {Role.APPRAISER, Role.COUNCIL_SECRETARY},
        "Trình khen thưởng cấp Nhà nước (gửi Bộ Nội vụ)",
    ),
    _t(
        "national_award",
        {S.NATIONAL_PROPOSED},
        S.DECIDED,
        {Role.APPRAISER, Role.COUNCIL_SECRETARY},
        "Ghi nhận quyết định khen thưởng cấp Nhà nước",
    ),
    _t(
        "national_decline",
        {S.NATIONAL_PROPOSED},
        S.REJECTED,
        {Role.APPRAISER, Role.COUNCIL_SECRETARY},
        "Cấp Nhà nước không khen thưởng / trả lại hồ sơ",
        needs_reason=True,
    ),
    # NĐ 152/2025 Điều 56: the award is annulled by a new decision; nothing of the old one is deleted.
    _t(
        "annul",
        {S.DECIDED, S.CERTIFIED},
        S.ANNULLED,
        {Role.REGISTRAR, Role.COUNCIL_SECRETARY},
        "Hủy bỏ quyết định khen thưởng (Điều 56 Nghị định 152/2025/NĐ-CP)",
        needs_reason=True,
    ),
)

# ``release`` returns a held nomination to the state it was held in; its target is that state.
RELEASE_TARGETS = HOLDABLE
RELEASE_ROLES = frozenset({Role.APPRAISER, Role.COUNCIL_SECRETARY})

_BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
assert len(_BY_ACTION) == len(TRANSITIONS), "each action appears once in the table"


def get(action: str) -> Transition:
    try:
        return _BY_ACTION[action]
    except KeyError:
        raise TransitionNotAllowed(f"Không có thao tác '{action}'.") from None


def transition(action: str, current: S) -> Transition:
    """The arrow for ``action`` from ``current``; a Conflict when the nomination is elsewhere."""
    arrow = get(action)
    if current not in arrow.sources:
        raise TransitionNotAllowed(
            f"Không thể '{arrow.label}' khi hồ sơ đang ở trạng thái '{current.label}'."
        )
    return arrow


def can_name(action: str) -> bool:
    """Whether ``action`` is an arrow of the table."""
    return action in _BY_ACTION


def can(action: str, current: S) -> bool:
    arrow = _BY_ACTION.get(action)
    return arrow is not None and current in arrow.sources


def actions_from(current: S) -> list[Transition]:
    return [t for t in TRANSITIONS if current in t.sources]


def release(current: S, held_from: S | None) -> S:
    """The target of ``release``: the state the nomination was held in.

    One exception: a nomination held while in a draft decision left that draft when it was held, so it
    returns as approved by the council, ready for the next decision.
    """
    if current is not S.ON_HOLD:
        raise TransitionNotAllowed(f"Hồ sơ không ở trạng thái tạm dừng (đang '{current.label}').")
    if held_from is None or held_from not in RELEASE_TARGETS:
        raise TransitionNotAllowed("Không xác định được trạng thái trước khi tạm dừng.")
    return S.COUNCIL_APPROVED if held_from is S.IN_DECISION else held_from
