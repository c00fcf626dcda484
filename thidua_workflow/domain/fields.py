"""Pydantic field types for incoming Vietnamese text: NFC, no control characters, bounded length."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from thidua_workflow.domain.text import clean_text


def _line(max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        cleaned = clean_text(value, max_length=max_length)
        if not cleaned:
            raise ValueError("không được để trống")
        return cleaned

    return AfterValidator(check)


def _text(max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        cleaned = clean_text(value, multiline=True, max_length=max_length)
        if not cleaned:
            raise ValueError("không được để trống")
        return cleaned

    return AfterValidator(check)


_STR = StringConstraints(strict=True)

# A name, title, position or number: one line.
VnLine = Annotated[str, _STR, _line(300)]
VnName = Annotated[str, _STR, _line(200)]
# An achievement or a reason: several lines allowed.
VnText = Annotated[str, _STR, _text(4000)]
VnReason = Annotated[str, _STR, _text(2000)]
# A stable identifier from an organisation file: lower-case letters, digits, dashes.
Slug = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
# A code defined by the policy (award forms): lower-case letters, digits, underscores.
PolicyCode = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
