"""``thidua demo``: the Quảng Bình 2019–2020 scenario replayed end to end (a command of the root, mounted by
``cli/__init__``)."""

from pathlib import Path
from typing import Annotated

import typer

from thidua_workflow.cli._console import handled, out
from thidua_workflow.cli._context import settings
from thidua_workflow.errors import ConfigurationError


@handled
def demo(
    example: Annotated[Path, typer.Option(help="Thư mục ví dụ.")] = Path("examples/quang-binh"),
    without_prefect: Annotated[
        bool,
        typer.Option("--without-prefect", help="Chạy các bước ngay trong tiến trình, không qua Prefect."),
    ] = False,
) -> None:
    """Diễn lại kịch bản Quảng Bình 2019–2020: mọi bước chuyển giai đoạn là một flow run Prefect thật."""
    from thidua_workflow.demo import run_demo

    if not example.is_dir():
        raise ConfigurationError(f"Không thấy thư mục ví dụ {example}.")
    run_demo(settings(), example, out, with_prefect=not without_prefect)
