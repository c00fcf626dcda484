"""Running Prefect's own command line as an operator would, from the project's root."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

POOL = "thidua-process"  # the work pool deployments/prefect.yaml names


def prefect(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
