"""Year-end rush: large files and many clerks at once — all stored, routed, and no duplicate slips in."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.integration.helpers import row_counts
from thidua_workflow.errors import Conflict, ThiduaError, ValidationFailed
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.services.nominations import submit
from thidua_workflow.services.queries import list_nominations
from thidua_workflow.services.rounds import find_round, show_round

pytestmark = pytest.mark.slow

PDF = b"%PDF-1.4\n% minimal stand-in\n"
UNITS = {
    "qb-hoi-nguoi-mu": ("mu.canbo", "mu.chutich"),
    "qb-lien-minh-htx": ("htx.canbo", "htx.chutich"),
    "qb-hoi-chu-thap-do": ("ctd.canbo", "ctd.chutich"),
    "qb-hoi-nha-bao": ("nhabao.canbo", "nhabao.chutich"),
    "qb-hoi-vhnt": ("vhnt.canbo", "vhnt.chutich"),
    "qb-hoi-luat-gia": ("luatgia.canbo", "luatgia.chutich"),
    "qb-hoi-da-cam": ("dacam.canbo", "dacam.chutich"),
    "qb-lien-hiep-khkt": ("khkt.canbo", "khkt.chutich"),
}


def _file(unit: str, head: str, count: int, start: int = 0) -> tuple[dict[str, Any], MappingSource]:
    entries = [
        {
            "nominee": {
                "kind": "person",
                "name": f"Nguyễn Văn Mẫu Số {start + i}",
                "unit": unit,
                "position": "Chuyên viên",
            },
            "award_form": "bang_khen_tinh",
            "period": {"year": 2019},
            "achievement": "Hai năm liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở.",
            "declared": {
                "titles": [
                    {"title": "chien_si_thi_dua_co_so", "year": 2018},
                    {"title": "chien_si_thi_dua_co_so", "year": 2019},
                ]
            },
            "evidence": [
                {"kind": "bao_cao_thanh_tich", "file": f"bc-{start + i}.pdf", "dated": "2019-11-20"}
            ],
        }
        for i in range(count)
    ]
    data = {
        "unit": unit,
        "documents": [
            {"kind": "to_trinh", "file": "tt.pdf", "signed_by": head},
            {"kind": "bien_ban", "file": "bb.pdf"},
        ],
        "nominations": entries,
    }
    files = {"tt.pdf": PDF + b"tt", "bb.pdf": PDF + b"bb"}
    files.update({f"bc-{start + i}.pdf": PDF + str(start + i).encode() for i in range(count)})
    return data, MappingSource(files)


def test_a_file_of_400_nominations_is_stored_whole(qb: Context) -> None:
    data, source = _file("qb-hoi-nguoi-mu", "mu.chutich", 400)
    result = submit(qb, "mu.canbo", data, source)
    assert len(result.nomination_ids) == 400
    round_id = find_round(qb, "qb-khoi-hoi-dac-thu", "2019")
    assert len(show_round(qb, round_id).nominations) == 400
    assert row_counts(qb)["documents"] == 400 * 3


def test_eight_units_submit_at_once(qb: Context) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(UNITS))

    def run(unit: str, clerk: str, head: str, start: int) -> None:
        data, source = _file(unit, head, 40, start)
        barrier.wait()
        try:
            submit(qb, clerk, data, source)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(unit, clerk, head, i * 1000))
        for i, (unit, (clerk, head)) in enumerate(UNITS.items())
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert len(list_nominations(qb, year=2019)) == 8 * 40
    # Eight first submissions raced to create the bloc's round: there is one, holding all of them.
    assert len(show_round(qb, find_round(qb, "qb-khoi-hoi-dac-thu", "2019")).nominations) == 8 * 40


def test_the_same_file_submitted_twice_at_once_is_stored_once(qb: Context) -> None:
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        data, source = _file("qb-hoi-nguoi-mu", "mu.chutich", 30)
        barrier.wait()
        try:
            outcomes.append(submit(qb, "mu.canbo", data, source))
        except ThiduaError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    failures = [o for o in outcomes if isinstance(o, ThiduaError)]
    assert len(outcomes) == 2 and len(failures) == 1, outcomes
    loser = failures[0]
    assert isinstance(loser, Conflict) or (
        isinstance(loser, ValidationFailed) and {p.rule for p in loser.problems} == {"trung_lap"}
    ), loser
    assert len(list_nominations(qb)) == 30
