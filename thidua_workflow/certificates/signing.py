"""Digital signatures (chữ ký số) on issued PDFs with pyHanko: PAdES, from the office's PKCS#12 file or any
pyHanko signer (a person's PKCS#11 token: ``tokens``; a remote signing service: ``remote``), with a visible
stamp whose Vietnamese text is set in the bundled font (pyHanko's default stamp font garbles it).

pyHanko is imported where it signs: every flow-run process imports this module, few of them sign.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from thidua_workflow.errors import ConfigurationError

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.stamp import TextStampStyle

STAMP = "Ký số bởi: %(signer)s\nThời gian: %(ts)s"


@dataclass(frozen=True)
class SigningKey:
    pkcs12: bytes
    password: bytes


@dataclass(frozen=True)
class Stamp:
    """Where the visible stamp goes, in PDF points from the page's bottom-left; None: invisible."""

    box: tuple[int, int, int, int] | None
    page: int = 0  # zero-based; -1 for the last page


@lru_cache(maxsize=4)
def _signer(key: SigningKey) -> signers.SimpleSigner:
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            key.pkcs12, other_certs=[], passphrase=key.password or None
        )
    except Exception as exc:
        raise ConfigurationError(f"Không mở được khóa ký số PKCS#12: {exc}") from exc
    if not isinstance(signer, signers.SimpleSigner):
        raise ConfigurationError("Không mở được khóa ký số PKCS#12 (sai mật khẩu?).")
    return signer


def _style(text: str = STAMP) -> TextStampStyle:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # Subsetting our font for the stamp, fontTools reports that it drops the FFTM table (a FontForge
    # timestamp no reader needs): a warning the people running the demo or the CLI need not read.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    return TextStampStyle(
        stamp_text=text,
        timestamp_format="%H:%M %d/%m/%Y",  # the signer's local time, as written in Vietnam
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(_stamp_font()), font_size=8),
        border_width=1,
    )


@lru_cache(maxsize=1)
def _stamp_font() -> str:
    """Our serif at 1,000 units per em, written once to the temporary folder.

    pyHanko writes a glyph's advance into the PDF's width table in the font's own units, while PDF
    reads that table in thousandths of an em. Liberation Serif has 2,048 units per em, so the stamp's
    letters stood twice their width apart and the time ran out of its box; at 1,000 units they agree.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    source = resources.files("thidua_workflow.certificates") / "typefaces" / "LiberationSerif-Regular.ttf"
    data = source.read_bytes()
    target = Path(tempfile.gettempdir()) / f"thidua-stamp-serif-{hashlib.sha256(data).hexdigest()[:16]}.ttf"
    if not target.exists():
        font = TTFont(io.BytesIO(data))
        scale_upem(font, 1000)
        partial = target.with_name(f"{target.name}.{os.getpid()}")
        font.save(str(partial))
        os.replace(partial, target)  # another process writing the same file at once is harmless
    return str(target)


def sign_pdf(
    pdf: bytes,
    key: SigningKey,
    stamp: Stamp,
    *,
    reason: str,
    location: str,
    field_name: str = "ChuKySo",
    text: str = STAMP,
) -> bytes:
    """An incremental update adding a PAdES signature; the original bytes stay as they were."""
    return sign_with(
        pdf, _signer(key), stamp, reason=reason, location=location, field_name=field_name, text=text
    )


def _pdf_signer(
    signer: signers.Signer, stamp: Stamp, *, reason: str, location: str, field_name: str, text: str
) -> signers.PdfSigner:
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    if stamp.box is not None:
        spec = fields.SigFieldSpec(field_name, box=stamp.box, on_page=stamp.page)
    else:
        spec = fields.SigFieldSpec(field_name)
    return signers.PdfSigner(meta, signer=signer, stamp_style=_style(text), new_field_spec=spec)


def sign_with(
    pdf: bytes,
    signer: signers.Signer,
    stamp: Stamp,
    *,
    reason: str,
    location: str,
    field_name: str = "ChuKySo",
    text: str = STAMP,
) -> bytes:
    """``pdf`` signed by any pyHanko signer (a PKCS#12 key, a PKCS#11 token), as an incremental update:
    a PDF signed before keeps its signatures valid. ``field_name`` must be new in the PDF."""
    writer, pdf_signer = _prepared(pdf, signer, stamp, reason, location, field_name, text)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


async def async_sign_with(
    pdf: bytes,
    signer: signers.Signer,
    stamp: Stamp,
    *,
    reason: str,
    location: str,
    field_name: str = "ChuKySo",
    text: str = STAMP,
) -> bytes:
    """As :func:`sign_with`, for signers that call a service (the remote signer)."""
    writer, pdf_signer = _prepared(pdf, signer, stamp, reason, location, field_name, text)
    out = io.BytesIO()
    await pdf_signer.async_sign_pdf(writer, output=out)
    return out.getvalue()


def _prepared(
    pdf: bytes, signer: signers.Signer, stamp: Stamp, reason: str, location: str, field_name: str, text: str
) -> tuple[IncrementalPdfFileWriter, signers.PdfSigner]:
    """The incremental writer over ``pdf`` and the pyHanko signer that adds one signature to it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    pdf_signer = _pdf_signer(
        signer, stamp, reason=reason, location=location, field_name=field_name, text=text
    )
    return IncrementalPdfFileWriter(io.BytesIO(pdf)), pdf_signer
