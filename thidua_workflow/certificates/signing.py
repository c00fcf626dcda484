"""Digital signatures (chữ ký số) on issued PDFs with pyHanko: PAdES, from a PKCS#12 file, with a visible
stamp whose Vietnamese text is set in the bundled font (pyHanko's default stamp font garbles it).

pyHanko is imported where it signs: every flow-run process imports this module, few of them sign.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from thidua_workflow.errors import ConfigurationError

if TYPE_CHECKING:
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


def _style() -> TextStampStyle:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = resources.files("thidua_workflow.certificates") / "typefaces" / "LiberationSerif-Regular.ttf"
    with resources.as_file(font) as path:
        return TextStampStyle(
            stamp_text=STAMP,
            text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(path)), font_size=8),
            border_width=1,
        )


def sign_pdf(pdf: bytes, key: SigningKey, stamp: Stamp, *, reason: str, location: str) -> bytes:
    """An incremental update adding a PAdES signature; the original bytes stay as they were."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="ChuKySo",
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    spec = None
    if stamp.box is not None:
        spec = fields.SigFieldSpec("ChuKySo", box=stamp.box, on_page=stamp.page)
    else:
        spec = fields.SigFieldSpec("ChuKySo")
    pdf_signer = signers.PdfSigner(meta, signer=_signer(key), stamp_style=_style(), new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()
