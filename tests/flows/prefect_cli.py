"""Running Prefect's own command line as an operator would, from the project's root: the operators'
rehearsal script's helper (deployments/scale_out.py), shared by the slow flow tests."""

from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "deployments"))
from scale_out import POOL, prefect

__all__ = ["POOL", "prefect"]
