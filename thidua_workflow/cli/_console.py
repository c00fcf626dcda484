"""Where the CLI writes: rich consoles for people, JSON for machines, and the project's errors turned into
a message and an exit code."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from thidua_workflow.errors import ThiduaError

# Piped output (logs, CI) gets wide tables instead of rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, markup=False, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, width=_WIDTH)

P = ParamSpec("P")
R = TypeVar("R")


def handled(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn the project's errors into a message and an exit code; a JSON error with ``--json``."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        as_json = bool(kwargs.get("as_json"))
        try:
            return fn(*args, **kwargs)
        except ThiduaError as exc:
            if as_json:
                print(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2))
            else:
                err.print(f"[bold red]Lỗi:[/] {escape(exc.message)}", markup=True, highlight=False)
            raise typer.Exit(exc.exit_code) from exc

    return wrapper


def emit(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def warn(problem: str) -> None:
    err.print(
        f"Cảnh báo: thao tác đã được lưu, nhưng bước tiếp theo chưa chạy ({problem}); lần quét định kỳ sẽ chạy lại."
    )
