"""The bundled Word templates are what their committed builder makes, and each placeholder is documented."""

from __future__ import annotations

import re
from pathlib import Path

from thidua_workflow.certificates import word
from thidua_workflow.certificates.word_templates import build_all

ROOT = Path(__file__).resolve().parents[2]


def test_the_bundled_templates_are_what_the_builder_makes(tmp_path: Path) -> None:
    for built in build_all(tmp_path):
        bundled = word.bundled_template(built.stem)
        assert word.docx_text(built.read_bytes()) == word.docx_text(bundled.read_bytes()), (
            f"{built.name}: run .venv/bin/python -m thidua_workflow.certificates.word_templates"
        )


def test_every_placeholder_of_the_templates_is_in_the_docs() -> None:
    docs = (ROOT / "docs" / "file-formats.md").read_text(encoding="utf-8")
    for kind in word.KINDS:
        tags = " ".join(word.docx_text(word.bundled_template(kind).read_bytes()))
        names = set(re.findall(r"\{\{ ([a-z_]+)", tags)) | set(re.findall(r"for \w+ in ([a-z_]+)", tags))
        names -= {"r", "b", "a", "u", "p", "f", "line"}  # the loops' own variables
        for name in names:
            assert f"`{name}`" in docs, f"{kind}: placeholder {name} is not in docs/file-formats.md"
