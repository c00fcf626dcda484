"""A round's paperwork from Word templates: docxtpl fills a .docx an office edits in Word; LibreOffice
makes its PDF.

Each document kind has a bundled default template (``certificates/templates/<kind>.docx``, made by
``word_templates.py``); a province overrides one by putting a file of the same name in the
``templates/`` folder beside its policy file. The placeholders are listed in docs/file-formats.md.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from thidua_workflow.errors import ConfigurationError, NotConfigured

# kind → (file name stem, what it is)
KINDS: dict[str, str] = {
    "bien-ban-khoi": "Biên bản họp bình xét của Khối thi đua",
    "to-trinh": "Tờ trình của Sở Nội vụ đề nghị Chủ tịch Ủy ban nhân dân tỉnh khen thưởng",
    "bien-ban-hoi-dong": "Biên bản họp Hội đồng Thi đua – Khen thưởng tỉnh",
    "thong-bao": "Thông báo kết quả khen thưởng đến các đơn vị",
    "quyet-dinh": "Quyết định khen thưởng (bản Word)",
    # --- NĐ 152/2025 steps (issue 19) ---
    "cong-van-trinh": "Công văn trình khen thưởng cấp Nhà nước (gửi Bộ Nội vụ)",
    "quyet-dinh-huy-bo": "Quyết định hủy bỏ khen thưởng",
}
SOFFICE_TIMEOUT_S = 120


@dataclass(frozen=True)
class Template:
    kind: str
    path: Path
    overridden: bool  # the province's own file, not the bundled default


def bundled_template(kind: str) -> Path:
    if kind not in KINDS:
        raise ConfigurationError(f"Không có mẫu văn bản '{kind}' (có: {', '.join(KINDS)}).")
    return Path(str(resources.files("thidua_workflow.certificates").joinpath("templates", f"{kind}.docx")))


def find_template(kind: str, override_folder: Path | None) -> Template:
    """The province's template of this kind when its policy folder has one, else the bundled default."""
    bundled = bundled_template(kind)
    if override_folder is not None:
        own = override_folder / f"{kind}.docx"
        if own.is_file():
            return Template(kind, own, True)
    return Template(kind, bundled, False)


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc(v) for v in value]
    return value


def render_docx(template: Template, context: dict[str, Any]) -> bytes:
    """The template filled with the context (every string NFC); a broken template is named as such."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    try:
        document = DocxTemplate(str(template.path))
        document.render(_nfc(context), autoescape=True)
    except TemplateError as exc:
        raise ConfigurationError(f"Mẫu văn bản {template.path} có thẻ sai: {exc}") from exc
    except Exception as exc:  # a file that is not a .docx, or a damaged one
        raise ConfigurationError(f"Mẫu văn bản {template.path} không đọc được: {exc}") from exc
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise NotConfigured(
            "Chưa cài LibreOffice nên chưa chuyển được văn bản Word sang PDF: "
            "apt-get install libreoffice-writer-nogui (bản .docx vẫn tải được)."
        )
    return found


def docx_to_pdf(docx: bytes) -> bytes:
    """LibreOffice headless, with a profile of its own per call (so calls may run side by side)."""
    return docx_to_pdfs([docx])[0]


def docx_to_pdfs(documents: list[bytes]) -> list[bytes]:
    """Several documents in one LibreOffice start (it costs a second or two to start)."""
    program = soffice()
    with tempfile.TemporaryDirectory(prefix="thidua-lo-") as folder:
        work = Path(folder)
        sources = []
        for i, docx in enumerate(documents):
            source = work / f"van-ban-{i:04d}.docx"
            source.write_bytes(docx)
            sources.append(source)
        profile = (work / "profile").as_uri()
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                *(str(source) for source in sources),
            ],
            capture_output=True,
            text=True,
            timeout=SOFFICE_TIMEOUT_S + 5 * len(documents),
            check=False,
            env={**os.environ, "HOME": folder},
        )
        targets = [source.with_suffix(".pdf") for source in sources]
        if done.returncode != 0 or not all(target.is_file() for target in targets):
            raise ConfigurationError(f"LibreOffice không chuyển được văn bản sang PDF: {done.stderr.strip()}")
        return [target.read_bytes() for target in targets]


def docx_text(docx: bytes) -> list[str]:
    """The text of a .docx, paragraph by paragraph, tables cell by cell, in document order."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(docx))
    lines: list[str] = []

    def walk(container: Any) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                for row in block.rows:
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell appears once per grid column
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)

    walk(document)
    return lines
