"""Submitting a unit's nominations: judged whole against the organisation, the law and the records."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import EXAMPLES, read_yaml
from tests.integration.helpers import QB_NOMINATIONS, blob_files, example, row_counts, submit_example
from thidua_workflow.clock import FixedClock
from thidua_workflow.db import models as m
from thidua_workflow.errors import NotPermitted, ValidationFailed
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource, MappingSource
from thidua_workflow.services.nominations import submit
from thidua_workflow.services.org import load_organisation
from thidua_workflow.services.queries import list_nominations, show_nomination
from thidua_workflow.services.tasks import list_tasks


def test_example_submission_is_stored_and_routed(qb: Context) -> None:
    result = submit_example(qb, "hoi-nguoi-mu-2019")
    assert len(result.nomination_ids) == 2
    detail = show_nomination(qb, result.nomination_ids[1])
    assert detail.status == "bloc_review"
    assert detail.nominee["unit_name"] == "Hội Người mù tỉnh Quảng Bình"
    assert [e.action for e in detail.timeline] == ["submit", "route_to_bloc"]
    # It waits in the bloc's 2019 round, which the chair's unit (Hội Người cao tuổi) opens for voting.
    assert detail.round_id is not None
    assert detail.open_tasks == []
    assert [(v.kind, v.round_id) for v in list_tasks(qb, "nct.chutich")] == [("round_open", detail.round_id)]
    # Eligibility used the database's 2017, 2018 titles and the declared 2019 one, and says so.
    check = next(c for c in detail.dossiers[0].checks if c["rule"] == "chien_si_thi_dua_tinh")
    assert check["outcome"] == "passed"
    assert "2017 (CSDL)" in check["message"] and "2019 (hồ sơ kê khai)" in check["message"]
    assert check["basis"] == ["database", "declared"]
    kinds = sorted(d.kind for d in detail.dossiers[0].documents)
    assert kinds == ["bao_cao_thanh_tich", "bien_ban", "sang_kien", "to_trinh"]
    for doc in detail.dossiers[0].documents:
        assert qb.store.read(doc.sha256)[:5] == b"%PDF-"


def test_simplified_procedure_goes_straight_to_appraisal(qb: Context, clock: FixedClock) -> None:
    clock.set(date(2020, 5, 15))
    result = submit_example(qb, "hoi-lhtn-2020-dot-xuat")
    detail = show_nomination(qb, result.nomination_ids[0])
    assert detail.status == "appraisal"
    assert detail.procedure == "simplified"
    assert detail.bloc is None
    assert [e.action for e in detail.timeline] == ["submit", "route_to_appraisal"]
    assert [(t.kind, t.assignee_role) for t in detail.open_tasks] == [("appraise", "appraiser")]


def test_search_is_accent_insensitive(qb: Context) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    found = list_nominations(qb, search="tran van sang kien")
    assert [r.nominee for r in found] == ["Trần Văn Sáng Kiến"]
    assert list_nominations(qb, search="SÁNG kiến") == found
    assert list_nominations(qb, search="nguyen") == []


def test_nfd_text_is_accepted_and_stored_nfc(qb: Context) -> None:
    data = example("hoi-nguoi-mu-2019")
    data["nominations"][1]["nominee"]["position"] = unicodedata.normalize(
        "NFD", "Phó Chủ tịch Hội Người mù tỉnh"
    )
    data["nominations"][1]["achievement"] = unicodedata.normalize("NFD", "Thành tích xuất sắc năm 2019.")
    result = submit_example(qb, "hoi-nguoi-mu-2019", data)
    detail = show_nomination(qb, result.nomination_ids[1])
    assert detail.nominee["position"] == "Phó Chủ tịch Hội Người mù tỉnh"
    assert detail.dossiers[0].achievement == "Thành tích xuất sắc năm 2019."
    assert unicodedata.is_normalized("NFC", detail.dossiers[0].achievement)


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """A change to the example file at a dotted path (list indexes as numbers)."""

    def apply(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is _DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return apply


_DELETE = object()


def _duplicate_entry(data: dict[str, Any]) -> None:
    data["nominations"].append(data["nominations"][1])


BAD_INPUT: list[tuple[str, Mutation, dict[str, Any]]] = [
    (
        "wrong nominee kind for the award form",
        _set("nominations.1.award_form", "tap_the_lao_dong_xuat_sac"),
        {"entry": 2, "field": "nominee.kind", "rule": "doi_tuong_khen_thuong", "article": "Điều 27"},
    ),
    (
        "unknown unit of the nominee",
        _set("nominations.1.nominee.unit", "qb-khong-ton-tai"),
        {"entry": 2, "field": "nominee.unit", "rule": "don_vi"},
    ),
    (
        "nominee outside the submitting unit",
        _set("nominations.1.nominee.unit", "qb-hoi-nha-bao"),
        {"entry": 2, "field": "nominee.unit", "rule": "thuoc_don_vi_trinh"},
    ),
    (
        "a period in the future",
        _set("nominations.0.period", {"year": 2020}),
        {"entry": 1, "field": "period", "rule": "ky_thi_dua"},
    ),
    (
        "missing achievement",
        _set("nominations.0.achievement", _DELETE),
        {"entry": 1, "field": "achievement", "nominee": "Hội Người mù tỉnh Quảng Bình"},
    ),
    (
        "blank achievement",
        _set("nominations.0.achievement", "   "),
        {"entry": 1, "field": "achievement"},
    ),
    (
        "the same nominee, award and period twice",
        _duplicate_entry,
        {"entry": 3, "field": "nominee", "rule": "trung_lap"},
    ),
    (
        "control characters",
        _set("nominations.1.nominee.name", "Trần Văn\x1b[31m Sáng Kiến"),
        {"entry": 2, "field": "nominee.name"},
    ),
    (
        "over-long field",
        _set("nominations.1.nominee.position", "Phó Chủ tịch " * 40),
        {"entry": 2, "field": "nominee.position"},
    ),
    (
        "evidence file missing",
        _set("nominations.0.evidence.0.file", "evidence/hoi-nguoi-mu/khong-co.pdf"),
        {"entry": 1, "field": "evidence[1].file", "rule": "tep_minh_chung"},
    ),
    (
        "evidence not a PDF or image",
        _set("nominations.0.evidence.0.file", "../hoi-nguoi-mu-2019.yaml"),
        {"entry": 1, "field": "evidence[1].file", "rule": "tep_minh_chung"},
    ),
    (
        "required report missing",
        _set("nominations.0.evidence", []),
        {"entry": 1, "field": "evidence", "rule": "thanh_phan_ho_so"},
    ),
    (
        "Tờ trình not signed by the unit head",
        _set("documents.0.signed_by", "mu.canbo"),
        {"field": "documents[1].signed_by", "rule": "to_trinh"},
    ),
    (
        "not eligible: one year of titles",
        _set("nominations.1.declared.titles", []),
        {"entry": 2, "field": "eligibility", "rule": "chien_si_thi_dua_tinh", "article": "Điều 22"},
    ),
    (
        "unknown award form",
        _set("nominations.0.award_form", "huan_chuong_lao_dong"),
        {"entry": 1, "field": "award_form"},
    ),
    (
        "wrong nominee kind value",
        _set("nominations.0.nominee.kind", "tap_the"),
        {"entry": 1, "field": "nominee.kind"},
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_rejects_the_whole_file_and_stores_nothing(
    qb: Context, case: str, mutate: Mutation, expected: dict[str, Any]
) -> None:
    data = example("hoi-nguoi-mu-2019")
    mutate(data)
    before = row_counts(qb)
    with pytest.raises(ValidationFailed) as caught:
        submit_example(qb, "hoi-nguoi-mu-2019", data)
    problems = [p.to_dict() for p in caught.value.problems]
    assert any(
        all(
            (expected_value in str(p.get(key))) if key == "article" else p.get(key) == expected_value
            for key, expected_value in expected.items()
        )
        for p in problems
    ), f"{case}: {problems}"
    assert row_counts(qb) == before
    assert blob_files(qb) == []


def test_duplicate_of_a_stored_nomination_is_rejected(qb: Context) -> None:
    first = submit_example(qb, "hoi-nguoi-mu-2019")
    with pytest.raises(ValidationFailed) as caught:
        submit_example(qb, "hoi-nguoi-mu-2019")
    messages = [p.describe() for p in caught.value.problems]
    assert f"đã có hồ sơ số {first.nomination_ids[0]}" in messages[0]


def test_a_clerk_submits_only_for_their_own_unit(qb: Context) -> None:
    before = row_counts(qb)
    with pytest.raises(NotPermitted, match="của Hội Người mù tỉnh Quảng Bình"):
        submit_example(qb, "hoi-nguoi-mu-2019", user="nct.canbo")
    assert row_counts(qb) == before


def test_dissolved_unit_gets_no_commendation(ctx: Context, clock: FixedClock) -> None:
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-tri-2025" / "org.yaml"))
    clock.set(date(2025, 12, 5))
    folder = EXAMPLES / "quang-tri-2025" / "nominations"
    data = read_yaml(folder / "hoi-nct-cu-2025.yaml")
    # The dissolved association's own clerk acts for nobody any more: the grant ended with the unit.
    with pytest.raises(NotPermitted):
        submit(ctx, "nctcu.canbo", data, DirectorySource(folder))
    # Nominated by the unit it merged into, it is refused by the rule, with its legal basis.
    data["unit"] = "qb-hoi-nct"
    data["documents"][0]["signed_by"] = "nct.chutich.qt"
    with pytest.raises(ValidationFailed) as caught:
        submit(ctx, "nct.canbo.qt", data, DirectorySource(folder))
    rules = {p.rule for p in caught.value.problems}
    assert "khong_khen_don_vi_giai_the" in rules
    assert any("Thông tư 15/2025/TT-BNV" in (p.article or "") for p in caught.value.problems)


def test_after_the_merger_the_new_law_and_names_apply(ctx: Context, clock: FixedClock) -> None:
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-binh" / "org.yaml"))
    load_organisation(ctx, read_yaml(EXAMPLES / "quang-tri-2025" / "org.yaml"))
    clock.set(date(2025, 12, 5))
    folder = EXAMPLES / "quang-tri-2025" / "nominations"
    result = submit(
        ctx, "nct.canbo.qt", read_yaml(folder / "hoi-nguoi-cao-tuoi-2025.yaml"), DirectorySource(folder)
    )
    detail = show_nomination(ctx, result.nomination_ids[0])
    assert detail.policy_period == "nd-152-2025"
    assert detail.nominee["unit_name"] == "Hội Người cao tuổi tỉnh Quảng Trị"
    assert detail.bloc == "qt-khoi-hoi-dac-thu"
    assert [v.kind for v in list_tasks(ctx, "ctd.chutich.qt")] == ["round_open"]


def test_uploaded_files_are_checked_by_content_not_name(qb: Context) -> None:
    data = example("hoi-nguoi-mu-2019")
    files = {str(doc["file"]): (QB_NOMINATIONS / str(doc["file"])).read_bytes() for doc in data["documents"]}
    for entry in data["nominations"]:
        for doc in entry["evidence"]:
            files[str(doc["file"])] = (QB_NOMINATIONS / str(doc["file"])).read_bytes()
    files[data["nominations"][1]["evidence"][1]["file"]] = b"MZ\x90\x00 this is an executable"
    with pytest.raises(ValidationFailed, match="không phải PDF hay ảnh"):
        submit(qb, "mu.canbo", data, MappingSource(files))


def test_a_failed_transaction_leaves_no_new_blob(qb: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    from thidua_workflow.services import nominations

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("power cut before commit")

    monkeypatch.setattr(nominations, "wake", broken)
    before = row_counts(qb)
    with pytest.raises(RuntimeError, match="power cut"):
        submit_example(qb, "hoi-nguoi-mu-2019")
    assert row_counts(qb) == before
    assert blob_files(qb) == []


def test_stored_files_keep_their_sha256(qb: Context) -> None:
    import hashlib

    submit_example(qb, "hoi-nguoi-mu-2019")
    with qb.reader() as uow:
        documents = uow.session.scalars(select(m.Document)).all()
        assert documents
        for doc in documents:
            assert hashlib.sha256(qb.store.read(doc.sha256)).hexdigest() == doc.sha256


def test_example_files_all_submit(qb: Context, clock: FixedClock) -> None:
    from tests.integration.helpers import CLERKS

    for name in CLERKS:
        clock.set(date(2020, 5, 15) if name.endswith("dot-xuat") else date(2019, 12, 5))
        submit_example(qb, name)
    assert len(list_nominations(qb)) == 10
    _ = Path  # the helpers resolve example paths
