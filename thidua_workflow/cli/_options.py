"""Options that several commands share, and the parsing of their values and input files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer

from thidua_workflow.errors import InputRejected

AsUser = Annotated[str, typer.Option("--as", help="Tên đăng nhập của người thực hiện.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")]
IdList = Annotated[str | None, typer.Option(help="Số hồ sơ, cách nhau bằng dấu phẩy: 1,2,5.")]
ScoresFile = Annotated[
    Path | None, typer.Option("--scores", help="Tệp YAML điểm: đơn vị → {tiêu chí: điểm} (chấm điểm khối).")
]
NextChair = Annotated[str | None, typer.Option(help="Đơn vị trưởng khối năm sau.")]
NextDeputy = Annotated[str | None, typer.Option(help="Đơn vị phó khối năm sau.")]
OrderOpt = Annotated[
    str | None, typer.Option(help="Thứ tự ưu tiên khi bằng điểm: số hồ sơ, cách nhau dấu phẩy.")
]
LeaderOpt = Annotated[
    str | None, typer.Option(help="Đơn vị dẫn đầu khối khi nhiều đơn vị cùng điểm cao nhất.")
]
TieReason = Annotated[str | None, typer.Option(help="Lý do quyết định thứ tự khi bằng điểm.")]
ReasonsOpt = Annotated[
    list[str] | None, typer.Option("--reason", help="Lý do cho từng hồ sơ: SỐ=nội dung (lặp lại).")
]
ProposalOpt = Annotated[
    str | None, typer.Option("--proposal", help="Tờ trình của Sở Nội vụ, vd. 45/TTr-SNV.")
]


def parse_ids(text: str | None) -> set[int]:
    return set(parse_order(text) or [])


def parse_order(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise InputRejected(f"Danh sách số hồ sơ không hợp lệ: '{text}' (ví dụ: 1,2,5).") from None


def parse_reasons(items: list[str] | None) -> dict[int, str] | None:
    if not items:
        return None
    reasons: dict[int, str] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not (key.strip().isascii() and key.strip().isdigit()):
            raise InputRejected(f"Lý do phải có dạng SỐ=nội dung, nhận được: '{item}'.")
        reasons[int(key)] = text
    return reasons


def read_scores(path: Path | None) -> dict[str, dict[str, int]] | None:
    if path is None:
        return None
    data, _digest = read_data_file(path)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputRejected(f"Tệp điểm {path} phải là bảng: đơn vị → {{tiêu chí: điểm}}.")
    return {str(unit): {str(k): v for k, v in points.items()} for unit, points in data.items()}


def read_data_file(path: Path) -> tuple[Any, str]:
    """YAML or JSON (JSON is YAML); returns the data and the file's SHA-256."""
    import yaml

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputRejected(f"Không đọc được tệp {path}: {exc.strerror}.") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputRejected(f"Tệp {path} không phải văn bản UTF-8.") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputRejected(f"Tệp {path} không đúng cú pháp YAML/JSON: {exc}") from exc
    except RecursionError as exc:  # thousands of nested brackets: a broken export, not a program fault
        raise InputRejected(f"Tệp {path} có cấu trúc lồng nhau quá sâu, không đọc được.") from exc
    return data, hashlib.sha256(raw).hexdigest()
