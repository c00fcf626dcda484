"""The Quảng Bình scenario, replayed through the services with the clock set to each step's date.

Until the Prefect flows carry work between stages, the demo plays every person itself — the same service
calls the CLI makes — and prints where each nomination stands.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from thidua_workflow.clock import FixedClock
from thidua_workflow.domain.enums import NominationStatus
from thidua_workflow.services import nominations, org, queries, tasks
from thidua_workflow.services.context import Context, bootstrap
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.settings import Settings

# (date, clerk, file) — the unit submissions of the 2019 year-end review, and one ad-hoc nomination.
SUBMISSIONS = [
    (date(2019, 12, 5), "nct.canbo", "hoi-nguoi-cao-tuoi-2019"),
    (date(2019, 12, 5), "mu.canbo", "hoi-nguoi-mu-2019"),
    (date(2019, 12, 6), "htx.canbo", "lien-minh-htx-2019"),
    (date(2019, 12, 6), "ctd.canbo", "hoi-chu-thap-do-2019"),
    (date(2019, 12, 6), "nhabao.canbo", "hoi-nha-bao-2019"),
    (date(2019, 12, 9), "vhnt.canbo", "hoi-vhnt-2019"),
    (date(2019, 12, 9), "luatgia.canbo", "hoi-luat-gia-2019"),
]


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run_demo(settings: Settings, example: Path, out: Console) -> Context:
    """Replay the scenario into a fresh demo database under the data directory; returns the context."""
    started = time.perf_counter()
    db_path = settings.data_dir / "thidua.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    settings = settings.model_copy(update={"database_url": settings.database_url or f"sqlite:///{db_path}"})
    clock = FixedClock(date(2019, 12, 2))
    ctx = bootstrap(settings, clock=clock)
    folder = example / "nominations"
    source = DirectorySource(folder)

    def step(day: date, text: str) -> None:
        clock.set(day)
        out.print(f"[{day:%d/%m/%Y}] {text}")

    step(date(2019, 12, 2), f"Nạp tổ chức tỉnh từ {example / 'org.yaml'}")
    org.load_organisation(ctx, _load(example / "org.yaml"), source="org.yaml")

    ids: dict[str, list[int]] = {}
    for day, clerk, name in SUBMISSIONS:
        step(day, f"{clerk} nộp {name}.yaml")
        ids[name] = nominations.submit(ctx, clerk, _load(folder / f"{name}.yaml"), source).nomination_ids

    def act(user: str, nomination_id: int, decision: str, **kwargs: Any) -> None:
        task = next(v for v in tasks.list_tasks(ctx, user) if v.nomination_id == nomination_id)
        result = tasks.act(ctx, user, task.id, decision, **kwargs)
        label = NominationStatus(result.status).label
        out.print(f"    {user}: việc số {task.id}, {decision} → hồ sơ số {nomination_id}: {label}")

    step(
        date(2019, 12, 11), "Khối thi đua xét hồ sơ (trưởng khối: Hội Người cao tuổi; phó khối: Hội Người mù)"
    )
    nha_bao = ids["hoi-nha-bao-2019"][0]
    act(
        "nct.chutich",
        nha_bao,
        "return",
        comment="Thành tích chưa cụ thể; đề nghị bổ sung số liệu, báo cáo có xác nhận.",
    )
    act(
        "nct.chutich",
        ids["hoi-vhnt-2019"][0],
        "reject",
        comment="Không đạt số phiếu bình xét của Khối (4/9).",
    )
    step(date(2019, 12, 12), "Hội Luật gia rút hồ sơ")
    nominations.withdraw(
        ctx, "luatgia.canbo", ids["hoi-luat-gia-2019"][0], "Đơn vị xin rút để đề nghị vào năm sau."
    )
    step(date(2019, 12, 16), "Hội Nhà báo nộp lại hồ sơ đã hoàn thiện")
    fix = next(v for v in tasks.list_tasks(ctx, "nhabao.canbo") if v.nomination_id == nha_bao)
    tasks.act(
        ctx,
        "nhabao.canbo",
        fix.id,
        "resubmit",
        dossier=_load(folder / "hoi-nha-bao-2019-hoan-thien.yaml"),
        source=source,
    )
    step(date(2019, 12, 18), "Khối đề nghị các hồ sơ còn lại")
    for user in ("nct.chutich", "mu.chutich"):
        for view in tasks.list_tasks(ctx, user):
            act(user, view.nomination_id, "endorse")
    step(date(2020, 1, 8), "Ban Thi đua – Khen thưởng thẩm định")
    for view in tasks.list_tasks(ctx, "cv.tdkt1"):
        act("cv.tdkt1", view.nomination_id, "pass")
    step(date(2020, 5, 15), "Hội LHTN đề nghị khen thưởng đột xuất (thủ tục đơn giản)")
    ids["dot-xuat"] = nominations.submit(
        ctx, "lhtn.canbo", _load(folder / "hoi-lhtn-2020-dot-xuat.yaml"), source
    ).nomination_ids
    step(date(2020, 5, 19), "Thẩm định hồ sơ đột xuất")
    act("cv.tdkt2", ids["dot-xuat"][0], "pass")

    rows = queries.list_nominations(ctx)
    table = Table("Số", "Đối tượng", "Hình thức", "Kỳ", "Trạng thái", title="Hồ sơ đề nghị khen thưởng")
    for r in sorted(rows, key=lambda r: r.id):
        table.add_row(str(r.id), r.nominee, r.award_form, r.period, r.status_label)
    out.print(table)
    waiting = sum(1 for r in rows if r.status == NominationStatus.COUNCIL_VOTE)
    out.print(
        f"{len(rows)} hồ sơ; {waiting} chờ Hội đồng Thi đua – Khen thưởng bỏ phiếu. "
        f"Thời gian chạy: {time.perf_counter() - started:.1f} s."
    )
    out.print(f"Dữ liệu ở {settings.data_dir}. Xem lại, ví dụ:")
    out.print(f"  THIDUA_DATA_DIR={settings.data_dir} thidua nominations show {nha_bao}")
    out.print(f"  THIDUA_DATA_DIR={settings.data_dir} thidua --as-of 2020-01-08 tasks list --as cv.tdkt1")
    return ctx
