"""What a unit submits: a Tờ trình with its list of nominees, each with achievement and evidence.

These schemas check shape and text only; what needs the organisation, the policy or the database
(units, eligibility, duplicates) is checked by the submission service.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_workflow.domain.enums import (
    CommendationType,
    DisciplineLevel,
    DocumentKind,
    NomineeKind,
    Scope,
    StatGroup,
    Title,
)
from thidua_workflow.domain.fields import PolicyCode, Slug, VnLine, VnName, VnText
from thidua_workflow.domain.period import Period


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class NomineeIn(_Input):
    """A person (name, position, unit), a collective (name, parent unit) or a household (head, address)."""

    kind: NomineeKind
    name: VnName
    unit: Slug | None = Field(
        default=None,
        description="person: the unit they work in; collective: the unit itself or its parent unit",
    )
    position: VnLine | None = None
    address: VnLine | None = None
    birth_date: date | None = None
    # issue 20b: the class forms 0602/0603 (TT 02/2023/TT-BNV) count by; optional, never guessed.
    stat_group: StatGroup | None = Field(default=None, description="nhóm đối tượng của biểu thống kê")

    @model_validator(mode="after")
    def _stat_group_of_kind(self) -> Self:
        if self.stat_group is None:
            return self
        enterprise = self.stat_group is StatGroup.DOANH_NGHIEP
        if enterprise and self.kind is not NomineeKind.COLLECTIVE:
            raise ValueError("nhóm 'Tập thể là doanh nghiệp' chỉ dành cho tập thể")
        if not enterprise and self.kind is not NomineeKind.PERSON:
            raise ValueError(f"nhóm '{self.stat_group.label}' chỉ dành cho cá nhân")
        return self

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Self:
        if self.kind is NomineeKind.PERSON:
            if not self.unit:
                raise ValueError("cá nhân cần đơn vị công tác (unit)")
            if not self.position:
                raise ValueError("cá nhân cần chức vụ (position)")
        elif self.kind is NomineeKind.COLLECTIVE:
            if not self.unit:
                raise ValueError("tập thể cần đơn vị (unit): chính đơn vị hoặc đơn vị cấp trên trực tiếp")
        elif not self.address:
            raise ValueError("hộ gia đình cần địa chỉ (address)")
        return self


class DeclaredTitle(_Input):
    """A title or award the nominee already holds, as the dossier declares it."""

    title: Title
    year: Annotated[int, Field(ge=1945, le=2200)]
    decision: VnLine | None = None
    commendation_type: CommendationType = CommendationType.REGULAR


class Initiative(_Input):
    """A recognised initiative (sáng kiến) or scientific work, with the reach of its effect."""

    name: VnLine
    year: Annotated[int, Field(ge=1945, le=2200)]
    scope: Scope = Scope.UNIT
    recognized_by: VnLine | None = None


class MemberStats(_Input):
    """A collective's members, for Tập thể lao động xuất sắc.

    ``disciplined`` counts members disciplined in the period; ``discipline`` says with which measure
    (level -> count), since only some levels disqualify the collective ("từ cảnh cáo trở lên").
    """

    total: Annotated[int, Field(gt=0)]
    completed_tasks: Annotated[int, Field(ge=0)]
    lao_dong_tien_tien: Annotated[int, Field(ge=0)]
    chien_si_thi_dua_co_so: Annotated[int, Field(ge=0)]
    disciplined: Annotated[int, Field(ge=0)] = 0
    discipline: dict[DisciplineLevel, Annotated[int, Field(gt=0)]] = Field(default_factory=dict)
    women: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="members who are women (NĐ 152/2025 Điều 4 khoản 6: ≥ 70% come first)"
    )

    @model_validator(mode="after")
    def _not_more_than_total(self) -> Self:
        # Named as the form names them, with the file's key beside: both kinds of clerk find the figure.
        figures = {
            "completed_tasks": "Số thành viên hoàn thành nhiệm vụ",
            "lao_dong_tien_tien": "Số thành viên đạt Lao động tiên tiến",
            "chien_si_thi_dua_co_so": "Số thành viên đạt Chiến sĩ thi đua cơ sở",
            "disciplined": "Số thành viên bị kỷ luật",
            "women": "Số thành viên nữ",
        }
        for name, label in figures.items():
            value = getattr(self, name)
            if value is not None and value > self.total:
                raise ValueError(f"{label} ({name}) lớn hơn tổng số thành viên ({self.total})")
        by_level = sum(self.discipline.values())
        if by_level and by_level != self.disciplined:
            raise ValueError(
                f"tổng số thành viên bị kỷ luật theo hình thức (discipline, {by_level}) khác "
                f"số thành viên bị kỷ luật (disciplined, {self.disciplined})"
            )
        return self


class LeavePeriod(_Input):
    """A maternity leave (nghỉ thai sản): counted as working time (NĐ 152/2025 Điều 4 khoản 5)."""

    starts: date
    ends: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends < self.starts:
            raise ValueError("nghỉ thai sản: ngày kết thúc (ends) trước ngày bắt đầu (starts)")
        return self


class Declared(_Input):
    titles: list[DeclaredTitle] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    members: MemberStats | None = None
    outstanding: VnText | None = Field(
        default=None,
        description="an outstanding achievement in a movement or one with a province-wide effect (or a "
        "household's contribution): the ground the appraiser judges",
    )
    woman: bool | None = Field(default=None, description="a person nominee who is a woman (Điều 4 k6)")
    maternity_leave: list[LeavePeriod] = Field(
        default_factory=list, description="maternity leave in the period: counted as working time (Điều 4 k5)"
    )


class DocumentIn(_Input):
    """One evidence file; ``file`` is relative to the submission file's folder."""

    kind: DocumentKind
    file: Annotated[str, Field(min_length=1, max_length=500)]
    title: VnLine | None = None
    number: VnLine | None = None
    dated: date | None = None
    signed_by: Annotated[str, Field(max_length=100)] | None = None


class NominationIn(_Input):
    nominee: NomineeIn
    award_form: PolicyCode
    commendation_type: CommendationType = CommendationType.REGULAR
    period: Period
    movement: VnLine | None = Field(default=None, description="the emulation movement (phong trào)")
    achievement: VnText
    declared: Declared = Field(default_factory=Declared)
    evidence: list[DocumentIn] = Field(default_factory=list)


class SubmissionIn(_Input):
    """A submission file: the unit, its Tờ trình and minutes, and the list of nominations."""

    unit: Slug
    documents: list[DocumentIn] = Field(default_factory=list)
    nominations: Annotated[list[NominationIn], Field(min_length=1, max_length=2000)]


class ResubmissionIn(_Input):
    """A completed dossier for a returned nomination: the new achievement text and evidence."""

    achievement: VnText
    note: VnText | None = None
    declared: Declared | None = None
    evidence: list[DocumentIn] = Field(default_factory=list)
    documents: list[DocumentIn] = Field(default_factory=list)
