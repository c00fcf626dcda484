"""What may be delegated, and how a delegated signature is printed (issue 22).

A person may hand a role's tasks to a colleague for a period (leave, a mission). Some acts are personal
and are never delegated:

- a council member's ballot: the council votes in person, one member one secret ballot — no proxies;
- a bloc representative's ballot and score sheet: the unit's own vote in its bloc, cast by its head;
- signing an award decision: the Chairman signs, or a Vice Chairman signs "KT. CHỦ TỊCH" on their own
  grant as decision signer; an award decision is never signed "TUQ." or "TL." (``SIGNATURE_FORMS``);
- administering the system.

A delegate acts for the delegator: the record names both, and whoever may not judge a dossier cannot
have it judged for them (the conflict-of-interest exclusions carry over, ``authz.conflict_of_interest``).

Signature forms, read against Nghị định 30/2020/NĐ-CP (Điều 13; Phụ lục I, mục II.7.b):
- k1: the head of a body under the one-head regime signs everything; a deputy signs for the head
  ("KT.") in the fields assigned — also a deputy put in charge ("phụ trách, điều hành") signs "KT.".
  The Chairman of the provincial People's Committee decides awards in their own name (the Law on
  Emulation and Commendation gives the power to the Chairman), so an award decision is "CHỦ TỊCH" or
  "KT. CHỦ TỊCH".
- k2: a collective body (the People's Committee as such) is signed for by its head "TM." — the
  Committee's Tờ trình to the Prime Minister: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH".
- k3: "TUQ." only in special cases, in writing, limited in time and content, never passed on, to the head
  of a unit of the body; k4: "TL." by the head of a unit of the body, on the kinds of documents the
  body's working rules list. Neither is for a decision the law gives the head to make: here only letters.
"""

from __future__ import annotations

from thidua_workflow.domain.enums import Role

DELEGABLE: frozenset[Role] = frozenset({Role.APPRAISER, Role.UNIT_CLERK, Role.UNIT_HEAD, Role.REGISTRAR})

NOT_DELEGABLE: dict[Role, str] = {
    Role.COUNCIL_MEMBER: "phiếu của thành viên Hội đồng là phiếu kín của chính người đó, không ai bỏ phiếu thay",
    Role.BLOC_REPRESENTATIVE: "phiếu chấm điểm, bình xét của đơn vị trong khối do chính người đại diện đơn vị bỏ",
    Role.DECISION_SIGNER: (
        "quyết định khen thưởng do Chủ tịch ký, hoặc Phó Chủ tịch ký thay (KT. CHỦ TỊCH) theo phân công của "
        "chính mình; không ký thừa ủy quyền (TUQ.) hay thừa lệnh (TL.) — Nghị định 30/2020/NĐ-CP, Điều 13"
    ),
    Role.COUNCIL_SECRETARY: "Thường trực Hội đồng triệu tập, kiểm phiếu theo quyết định thành lập Hội đồng",
    Role.OPERATOR: "quyền quản trị hệ thống không ủy quyền",
    Role.SYSTEM: "việc của hệ thống",
}

# The forms a signature may take on each kind of document (NĐ 30/2020/NĐ-CP, Điều 13; see above).
# "" is the head's own signature.
SIGNATURE_FORMS: dict[str, frozenset[str]] = {
    "award_decision": frozenset({"", "KT."}),
    "certificate": frozenset({"", "KT."}),
    "committee_submission": frozenset({"TM."}),  # the People's Committee's own Tờ trình
    "letter": frozenset({"", "KT.", "TUQ.", "TL."}),  # covering letters, notices of results
}
VICE_CHAIRMAN = "PHÓ CHỦ TỊCH"
CHAIRMAN = "CHỦ TỊCH"
COMMITTEE = "ỦY BAN NHÂN DÂN"


def why_not_delegable(role: Role) -> str | None:
    """None when ``role``'s tasks may be delegated; else the reason, in the words the refusal uses."""
    if role in DELEGABLE:
        return None
    return NOT_DELEGABLE.get(role, "vai trò này không ủy quyền")


def signature_lines(document: str, form: str, head_title: str, signer_title: str) -> list[str]:
    """The lines above the signature: ``["CHỦ TỊCH"]``, ``["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]``,
    ``["TUQ. CHỦ TỊCH", "TRƯỞNG BAN …"]``. Refuses a form the document does not allow."""
    allowed = SIGNATURE_FORMS.get(document)
    if allowed is None:
        raise ValueError(f"không rõ loại văn bản '{document}'")
    if form not in allowed:
        shown = ", ".join(f or "ký trực tiếp" for f in sorted(allowed))
        raise ValueError(
            f"'{form}' không dùng được cho loại văn bản này (chỉ: {shown}) — NĐ 30/2020, Điều 13"
        )
    if not form:
        return [head_title]
    return [f"{form} {head_title}", signer_title]


def award_signer_lines(signer_title: str | None, document: str = "award_decision") -> list[str]:
    """The lines above the signature of an award decision or certificate: the Chairman's own
    (``["CHỦ TỊCH"]``) or a Vice Chairman's ``["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]`` (Điều 13 k1)."""
    if signer_title == VICE_CHAIRMAN:
        return signature_lines(document, "KT.", CHAIRMAN, VICE_CHAIRMAN)
    return signature_lines(document, "", signer_title or CHAIRMAN, "")


def committee_signer_lines(signer_title: str | None = None) -> list[str]:
    """The People's Committee's own documents (Điều 13 k2): "TM. ỦY BAN NHÂN DÂN" over the Chairman's
    title, or over "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when a Vice Chairman signs."""
    for_committee = signature_lines("committee_submission", "TM.", COMMITTEE, "")[0]
    return [for_committee, *award_signer_lines(signer_title)]
