"""The "Lập đề nghị" form, turned into the same submission a nomination file holds.

A clerk fills in one nominee at a time on the page; the submission service then judges it exactly as it
judges a file from the CLI. Field names in problems are mapped back to the form's labels.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from thidua_workflow.domain.enums import (
    CommendationType,
    DisciplineLevel,
    DocumentKind,
    NomineeKind,
    Scope,
    StatGroup,
    Title,
)
from thidua_workflow.domain.vocabulary import field_label, rule_name
from thidua_workflow.errors import InputRejected, Problem
from thidua_workflow.web.core import date_field, field, is_number, uploads

TITLE_ROWS = 3
INITIATIVE_ROWS = 2

FORM_CHOICES = {
    "kinds": [(k.value, k.label) for k in NomineeKind],
    "stat_groups": [(g.value, g.label) for g in StatGroup],  # issue 20b
    "types": [(t.value, t.label) for t in CommendationType],
    "titles": [(t.value, t.label) for t in Title],
    "scopes": [(s.value, s.label) for s in Scope],
    "discipline": [(d.value, d.label) for d in DisciplineLevel],
}


def label_problem(problem: Problem) -> str:
    """A problem as the form says it: the field's label, the message, the rule's name and its article.

    The form holds one nominee, so neither the entry number nor the name is repeated.
    """
    head = field_label(problem.field) if problem.field else ""
    tail = [p for p in (rule_name(problem.rule) if problem.rule else None, problem.article) if p]
    suffix = f" [{'; '.join(tail)}]" if tail else ""
    return f"{head}: {problem.message}{suffix}" if head else f"{problem.message}{suffix}"


def submission_from_form(form: FormData, limit: int) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The submission dict and its files from one filled-in form."""
    files: dict[str, bytes] = {}

    def take(name: str) -> list[str]:
        """The files of one input, kept under their own names (numbered only when two share a name)."""
        names = []
        for original, data in uploads(form, name, limit).items():
            stored, n = original, 1
            while stored in files:
                n += 1
                stem, dot, suffix = original.rpartition(".")
                stored = f"{stem}-{n}.{suffix}" if dot else f"{original}-{n}"
            files[stored] = data
            names.append(stored)
        return names

    documents: list[dict[str, Any]] = []
    for stored in take("to_trinh_file"):
        documents.append(
            {
                "kind": DocumentKind.TO_TRINH.value,
                "file": stored,
                "number": field(form, "to_trinh_number"),
                "dated": date_field(form, "to_trinh_date", label="Ngày tờ trình"),
                "signed_by": field(form, "to_trinh_signer"),
            }
        )
    for stored in take("bien_ban_file"):
        documents.append(
            {
                "kind": DocumentKind.BIEN_BAN.value,
                "file": stored,
                "dated": date_field(form, "bien_ban_date", label="Ngày họp"),
            }
        )

    year_text = field(form, "year", required=True, label="Năm thành tích") or ""
    try:
        year = int(year_text)
    except ValueError as exc:
        raise InputRejected(f"Năm thành tích '{year_text}' không phải một năm.") from exc
    unit = field(form, "unit", required=True, label="Đơn vị trình")
    kind = field(form, "kind", required=True, label="Loại đối tượng")
    nominee: dict[str, Any] = {
        "kind": kind,
        "name": field(form, "name"),
        "position": field(form, "position"),
        # A person or collective of the submitting unit unless another unit is named.
        "unit": field(form, "nominee_unit") or (unit if kind != NomineeKind.HOUSEHOLD.value else None),
        "address": field(form, "address"),
        "stat_group": field(form, "stat_group"),  # issue 20b: the class forms 0602/0603 count by
    }
    entry: dict[str, Any] = {
        "nominee": {k: v for k, v in nominee.items() if v is not None},
        "award_form": field(form, "award_form", required=True, label="Hình thức khen thưởng"),
        "commendation_type": field(form, "commendation_type") or CommendationType.REGULAR.value,
        "period": {"year": year},
        "movement": field(form, "movement"),
        "achievement": field(form, "achievement"),
        "declared": _declared(form),
        "evidence": [
            {
                "kind": DocumentKind.BAO_CAO_THANH_TICH.value,
                "file": stored,
                "dated": date_field(form, "evidence_date", label="Ngày lập báo cáo"),
            }
            for stored in take("evidence_file")
        ]
        + [{"kind": DocumentKind.KHAC.value, "file": stored} for stored in take("other_file")],
    }
    data = {"unit": unit, "documents": documents}
    data["nominations"] = [{k: v for k, v in entry.items() if v is not None}]
    return data, files


def _declared(form: FormData) -> dict[str, Any]:
    titles = []
    for i in range(1, TITLE_ROWS + 1):
        title, year = field(form, f"title_{i}"), field(form, f"title_{i}_year")
        if title or year:
            titles.append({"title": title, "year": year, "decision": field(form, f"title_{i}_decision")})
    initiatives = []
    for i in range(1, INITIATIVE_ROWS + 1):
        name, year = field(form, f"initiative_{i}"), field(form, f"initiative_{i}_year")
        if name or year:
            initiatives.append({"name": name, "year": year, "scope": field(form, f"initiative_{i}_scope")})
    declared: dict[str, Any] = {
        "titles": [{k: v for k, v in t.items() if v} for t in titles],
        "initiatives": [{k: v for k, v in t.items() if v} for t in initiatives],
    }
    members = {
        key: field(form, f"members_{key}")
        for key in ("total", "completed_tasks", "lao_dong_tien_tien", "chien_si_thi_dua_co_so")
    }
    if any(members.values()):
        declared["members"] = {k: v for k, v in members.items() if v}
    # Discipline with its level (issue 18): only some levels disqualify a Tập thể lao động xuất sắc.
    discipline = {
        level.value: count for level in DisciplineLevel if (count := field(form, f"discipline_{level.value}"))
    }
    if discipline:
        members_in = declared.setdefault("members", {})
        members_in["discipline"] = discipline
        members_in["disciplined"] = sum(int(v) for v in discipline.values() if is_number(str(v)))
    if outstanding := field(form, "outstanding"):
        declared["outstanding"] = outstanding
    return declared
