"""Certificate layouts as data: paper, frame, emblem, QR and every text field's box, in millimetres.

A province changes a layout by editing (or pointing its policy at) a YAML file, never code. Boxes are
measured from the bottom-left corner of the page; text is set inside its box, wrapped and shrunk down to
the field's minimum size and no further.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from thidua_workflow.errors import ConfigurationError

FontStyle = Literal["regular", "bold", "italic", "bold_italic"]
# Fields printed on a pre-printed blank (phôi): the rest is already on the paper.
VARIABLE_FIELDS = (
    "name",
    "detail",
    "achievement",
    "decision",
    "golden_book",
    "place_date",
    "signer_title",
    "signer_name",
    "code",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paper(_Model):
    width_mm: float = Field(gt=0)
    height_mm: float = Field(gt=0)
    label: str


class Box(_Model):
    x_mm: float
    y_mm: float
    w_mm: float = Field(gt=0)
    h_mm: float = Field(gt=0)

    @property
    def top_mm(self) -> float:
        return self.y_mm + self.h_mm


class TextField(Box):
    style: FontStyle = "regular"
    size: float = Field(gt=0, description="points; shrunk as needed, never below min_size")
    min_size: float = Field(gt=0)
    color: str = "#000000"
    align: Literal["left", "center", "right"] = "center"
    max_lines: int = Field(default=1, ge=1)
    leading: float = Field(default=1.2, ge=1.0, description="line height as a multiple of the size")

    @model_validator(mode="after")
    def _sizes(self) -> Self:
        if self.min_size > self.size:
            raise ValueError("min_size lớn hơn size")
        return self


class Frame(_Model):
    """The decorative border between the sheet's edge and an inner frame of the template's size."""

    inner_width_mm: float
    inner_height_mm: float
    band_mm: float = Field(default=14, description="width of the decorated band outside the inner frame")
    color: str = "#b8860b"
    accent: str = "#b22222"


class Layout(_Model):
    name: str
    description: str
    paper: Paper
    frame: Frame
    emblem: Box
    qr: Box
    signature_blank_mm: float = Field(default=35, description="left blank for the signature and seal")
    fields: dict[str, TextField]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        required = {"national_title", "motto", "issuer", "give", "title", *VARIABLE_FIELDS}
        missing = required - set(self.fields)
        if missing:
            raise ValueError(f"thiếu ô: {', '.join(sorted(missing))}")
        for key, box in {**self.fields, "emblem": self.emblem, "qr": self.qr}.items():
            if (
                box.x_mm < 0
                or box.y_mm < 0
                or box.x_mm + box.w_mm > self.paper.width_mm
                or box.top_mm > self.paper.height_mm
            ):
                raise ValueError(f"ô '{key}' nằm ngoài khổ giấy {self.paper.label}")
        gap = self.fields["signer_title"].y_mm - self.fields["signer_name"].top_mm
        if gap < self.signature_blank_mm:
            raise ValueError(f"khoảng ký, đóng dấu {gap:g} mm, cần ít nhất {self.signature_blank_mm:g} mm")
        return self


def load_layout(name_or_path: str) -> Layout:
    """A bundled layout by name (``bang-khen-a3``), or a province's own YAML file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise ConfigurationError(f"Không tìm thấy mẫu bằng {path}.")
        text = path.read_text(encoding="utf-8")
    else:
        resource = resources.files("thidua_workflow.certificates") / "layouts" / f"{name_or_path}.yaml"
        if not resource.is_file():
            raise ConfigurationError(f"Không có mẫu bằng '{name_or_path}'.")
        text = resource.read_text(encoding="utf-8")
    try:
        return Layout.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        raise ConfigurationError(f"Mẫu bằng {name_or_path} sai:\n{exc}") from exc
