"""Pydantic's validation errors, retold as Problems that name the entry, the nominee and the field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from thidua_workflow.errors import Problem

_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường không có trong mẫu (viết sai tên trường?)",
    "string_type": "cần một chuỗi ký tự",
    "int_parsing": "cần một số nguyên",
    "int_type": "cần một số nguyên",
    "bool_type": "cần true hoặc false",
    "date_parsing": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "date_from_datetime_parsing": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "date_type": "ngày không hợp lệ (dạng YYYY-MM-DD)",
    "list_type": "cần một danh sách",
    "model_type": "cần một bảng (khóa: giá trị)",
    "dict_type": "cần một bảng (khóa: giá trị)",
    "string_pattern_mismatch": "mã không hợp lệ (chữ thường không dấu, số, dấu gạch ngang hoặc gạch dưới)",
}


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace(" or ", " hoặc ")  # pydantic joins them in English
        return f"giá trị '{error.get('input')}' không hợp lệ; chọn một trong: {expected}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"phải {op} {bound}"
    if kind == "string_too_long":
        given = error.get("input")
        length = f"dài {len(given)} ký tự, " if isinstance(given, str) else ""
        return f"{length}tối đa {ctx.get('max_length', '…')}"
    if kind == "string_too_short":
        return (
            "không được để trống"
            if ctx.get("min_length") == 1
            else f"cần ít nhất {ctx.get('min_length')} ký tự"
        )
    if kind == "too_short":
        return f"cần ít nhất {ctx.get('min_length', 1)} mục"
    if kind == "too_long":
        return f"tối đa {ctx.get('max_length')} mục"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return _MESSAGES.get(kind, error["msg"])


def _dig(data: Any, path: Sequence[int | str]) -> Any:
    """The value at ``path`` in the raw input, or None where the input has no such place."""
    for step in path:
        if isinstance(data, Mapping):
            if step not in data:
                return None
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def problems_from(exc: ValidationError, data: Any, list_field: str | None = None) -> list[Problem]:
    """One Problem per error; entries of ``list_field`` are numbered from 1 as people count them."""
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        entry: int | None = None
        nominee: str | None = None
        if list_field and len(loc) >= 2 and loc[0] == list_field and isinstance(loc[1], int):
            entry = loc[1] + 1
            item = _dig(data, loc[:2])
            name = _dig(item, ["nominee", "name"]) if isinstance(item, Mapping) else None
            nominee = name if isinstance(name, str) else None
            loc = loc[2:]
        field = ".".join(str(part) for part in loc) or None
        problems.append(Problem(message=_message(error), field=field, entry=entry, nominee=nominee))
    return problems
