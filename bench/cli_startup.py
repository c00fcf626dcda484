"""How long the command line takes to start, as a ratio to ``python -c "import typer"`` measured in the same run.

``thidua --help`` and ``thidua policy show`` (the bundled policy of the province that the database names)
each run in a fresh interpreter, in rounds interleaved with the baseline so that both meet the same machine;
per command the median of the per-round ratios. The figure is CPU time (user + system) of the child: what
starting costs, and what a machine shared with other work disturbs least; wall time is printed beside it.
Target: ≤ 2.5× for both (issue 12; it was 13.6×); the script exits 1 above it.

For reference (not a target) it also times a Typer app with one command: its ``--help``, the floor of any
Typer help rendered with rich (``typer.rich_utils`` imports rich's markdown, traceback and pretty
printing, which ``import typer`` does not); and running that command, the floor of any command that runs
(typer 0.29 coerces option values through pydantic ``TypeAdapter``s, and builds them on every run for
``--help`` and the completion options even when they are not given: pydantic's schema machinery is
imported by every command, before the command's own code).

The children get a bytecode cache of their own (``PYTHONPYCACHEPREFIX``) even where the environment sets
``PYTHONDONTWRITEBYTECODE``: an installed system compiles its modules once, not on every start; the warm-up
round fills the cache.

Usage: ``python bench/cli_startup.py [--repeat 15] [--target 2.5]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORG = ROOT / "examples" / "quang-binh" / "org.yaml"
TINY_APP = '''
import typer

app = typer.Typer(help="Một lệnh.", no_args_is_help=True)


@app.command("show")
def show(as_json: bool = False) -> None:
    """Hiện."""


app()
'''


@dataclass
class Command:
    label: str
    argv: list[str]
    target: bool  # measured against the target, or shown for reference
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One fresh process to its end: its CPU seconds (user + system) and its wall seconds."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    assert child.stderr is not None
    problem = child.stderr.read()
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{problem.decode(errors='replace')[-3000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def thidua() -> list[str]:
    """The console script beside this interpreter, as an operator runs it; else the same entry point."""
    script = Path(sys.executable).with_name("thidua")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from thidua_workflow.cli import main; main()"]


def environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["THIDUA_DATA_DIR"] = str(work / "data")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=15, help="rounds (each: the baseline, then every command)"
    )
    parser.add_argument("--target", type=float, default=2.5, help="largest CPU ratio to the baseline allowed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="thidua-cli-bench-") as tmp:
        work = Path(tmp)
        env = environment(work)
        tiny = work / "one_command.py"
        tiny.write_text(TINY_APP, encoding="utf-8")
        # The province in the database, as after an operator's first command (not timed).
        subprocess.run([*thidua(), "org", "load", str(ORG)], env=env, check=True, stdout=subprocess.DEVNULL)
        shown = subprocess.run(
            [*thidua(), "policy", "show"], env=env, check=True, capture_output=True, text=True
        )
        assert "(quang-binh)" in shown.stdout.splitlines()[0], shown.stdout[:500]

        baseline = Command('python -c "import typer"', [sys.executable, "-c", "import typer"], target=False)
        commands = [
            Command("Typer app of one command --help", [sys.executable, str(tiny), "--help"], target=False),
            Command("Typer app of one command, run", [sys.executable, str(tiny), "--as-json"], target=False),
            Command("thidua --help", [*thidua(), "--help"], target=True),
            Command("thidua policy show", [*thidua(), "policy", "show"], target=True),
        ]
        for command in (baseline, *commands):  # warm-up: fills the bytecode cache and the page cache
            run(command.argv, env)
        for _ in range(args.repeat):
            for command in (baseline, *commands):
                cpu, wall = run(command.argv, env)
                command.cpu.append(cpu)
                command.wall.append(wall)

    def ratio(samples: list[float], base: list[float]) -> float:
        return statistics.median(s / b for s, b in zip(samples, base, strict=True))

    print(
        f"CLI start-up: median of {args.repeat} rounds, each process fresh; ratio to the baseline of the same round"
    )
    print(f"   {'command':<36}{'CPU ms':>8}{'wall ms':>9}{'CPU ratio':>11}{'wall ratio':>12}  target")
    print(
        f"   {baseline.label:<36}{statistics.median(baseline.cpu) * 1000:8.0f}"
        f"{statistics.median(baseline.wall) * 1000:9.0f}{1:11.2f}{1:12.2f}  baseline"
    )
    over = []
    for command in commands:
        cpu_ratio = ratio(command.cpu, baseline.cpu)
        goal = f"≤ {args.target:g}" if command.target else "reference"
        print(
            f"   {command.label:<36}{statistics.median(command.cpu) * 1000:8.0f}"
            f"{statistics.median(command.wall) * 1000:9.0f}{cpu_ratio:11.2f}"
            f"{ratio(command.wall, baseline.wall):12.2f}  {goal}"
        )
        if command.target and cpu_ratio > args.target:
            over.append(f"{command.label} {cpu_ratio:.2f}×")
    if over:
        print(f"   over the target of {args.target:g}×: {', '.join(over)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
