"""Free text typed by a person acting (a reason, a comment): cleaned like any Vietnamese text."""

from __future__ import annotations

from thidua_workflow.domain.text import TextError, clean_text
from thidua_workflow.errors import Problem, ValidationFailed


def reason_text(text: str | None, *, required: bool, field: str = "comment") -> str | None:
    """NFC, no control characters, at most 2,000 characters; required where the law asks for reasons."""
    try:
        cleaned = clean_text(text or "", multiline=True, max_length=2000)
    except TextError as exc:
        raise ValidationFailed(
            [Problem(str(exc), field=field)], "Nội dung bị từ chối, không lưu gì:"
        ) from exc
    if required and not cleaned:
        raise ValidationFailed(
            [Problem("cần nêu lý do (bằng văn bản, có căn cứ)", field=field)], "Thiếu lý do, không lưu gì:"
        )
    return cleaned or None
