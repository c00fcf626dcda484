"""Every field a service names in a refusal reaches people by its Vietnamese label, never its code name.

The appraiser who pressed 'Trả lại' without a reason read "trường 'comment': cần nêu lý do": the form's
own label is 'Ý kiến thẩm định'. The test reads the services' sources for the field names they refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import thidua_workflow
from thidua_workflow.domain.vocabulary import field_label
from thidua_workflow.errors import ValidationFailed
from thidua_workflow.services.text_input import reason_text

SOURCES = Path(thidua_workflow.__file__).parent
NAMED = re.compile(r'\bfield="([a-z_][a-z_.]*)"')


def test_every_field_a_service_refuses_has_a_vietnamese_label() -> None:
    names = {m.group(1) for path in SOURCES.rglob("*.py") for m in NAMED.finditer(path.read_text("utf-8"))}
    names.add("comment")  # reason_text's default field
    assert {"reason", "finding", "proposal_ref", "tie_reason"} <= names
    assert sorted(n for n in names if field_label(n) == n) == []


def test_a_missing_reason_names_the_comment_field_in_vietnamese() -> None:
    with pytest.raises(ValidationFailed) as refused:
        reason_text("   ", required=True)
    described = " ".join(p.describe() for p in refused.value.problems)
    assert "'comment'" not in described and "trường 'Ý kiến, lý do'" in described
