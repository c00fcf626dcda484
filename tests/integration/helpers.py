"""Small helpers the service tests share: submitting example files, counting what was stored."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tests.conftest import EXAMPLES, read_yaml
from thidua_workflow.db import models as m
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import DirectorySource
from thidua_workflow.services.nominations import SubmitResult, submit

QB_NOMINATIONS = EXAMPLES / "quang-binh" / "nominations"

# Which clerk submits each example file.
CLERKS = {
    "hoi-nguoi-cao-tuoi-2019": "nct.canbo",
    "hoi-nguoi-mu-2019": "mu.canbo",
    "lien-minh-htx-2019": "htx.canbo",
    "hoi-chu-thap-do-2019": "ctd.canbo",
    "hoi-nha-bao-2019": "nhabao.canbo",
    "hoi-vhnt-2019": "vhnt.canbo",
    "hoi-luat-gia-2019": "luatgia.canbo",
    "hoi-lhtn-2020-dot-xuat": "lhtn.canbo",
}


def example(name: str) -> dict[str, Any]:
    data = read_yaml(QB_NOMINATIONS / f"{name}.yaml")
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def submit_example(
    ctx: Context, name: str, data: dict[str, Any] | None = None, user: str | None = None
) -> SubmitResult:
    return submit(
        ctx,
        user or CLERKS[name],
        data if data is not None else example(name),
        DirectorySource(QB_NOMINATIONS),
    )


def row_counts(ctx: Context) -> dict[str, int]:
    with ctx.reader() as uow:
        return {
            table.name: int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in m.Base.metadata.sorted_tables
        }


def blob_files(ctx: Context) -> list[Path]:
    root = ctx.store.root
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
