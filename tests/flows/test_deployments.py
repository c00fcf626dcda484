"""deployments/prefect.yaml and `thidua serve` declare the same deployments, and every entrypoint loads."""

from __future__ import annotations

from typing import Any

import yaml
from prefect.flows import load_flow_from_entrypoint

from flows.dispatch import FLOWS, deployment_name
from flows.serve import SWEEP_EVERY, deployments
from tests.conftest import ROOT


def test_prefect_yaml_matches_what_thidua_serve_serves() -> None:
    declared = yaml.safe_load((ROOT / "deployments" / "prefect.yaml").read_text(encoding="utf-8"))[
        "deployments"
    ]
    served = {d.name: d for d in deployments()}
    assert {d["name"] for d in declared} == set(served)
    for entry in declared:
        flow: Any = load_flow_from_entrypoint(str(ROOT / entry["entrypoint"]))
        assert flow.name == entry["name"]
        assert entry["work_pool"]["name"] == "thidua-process"
    sweep = next(d for d in declared if d["name"] == "thidua-sweep")
    assert sweep["schedules"] == [{"interval": int(SWEEP_EVERY.total_seconds())}]


def test_every_stage_has_a_deployment() -> None:
    names = {d.name for d in deployments()}
    for stage in FLOWS:
        flow_name, deployment = deployment_name(stage).split("/")
        assert flow_name == deployment
        assert deployment in names
