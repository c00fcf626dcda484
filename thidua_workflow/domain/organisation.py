"""The organisation file: province, units with their name history, blocs, people and roles, known awards."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from thidua_workflow.domain.enums import UNIT_SCOPED_ROLES, CommendationType, NomineeKind, Role, Title
from thidua_workflow.domain.fields import PolicyCode, Slug, VnLine, VnName


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Year = Annotated[int, Field(ge=1945, le=2200)]


class ProvinceIn(_In):
    id: Slug
    name: VnName
    issuing_body: VnLine
    merged_into: Slug | None = None
    merged_on: date | None = None


class FormerName(_In):
    name: VnLine
    valid_from: date
    valid_until: date


class UnitIn(_In):
    id: Slug
    name: VnLine
    name_since: date | None = Field(default=None, description="when the current name took effect")
    former_names: list[FormerName] = Field(default_factory=list)
    parent: Slug | None = None
    kind: Annotated[str, Field(max_length=32)] = "unit"
    province: Slug | None = None
    dissolved_on: date | None = None
    merged_into: Slug | None = None


class MembershipIn(_In):
    unit: Slug
    from_year: Year = 1945
    to_year: Year | None = None


class OfficersIn(_In):
    year: Year
    chair: Slug
    deputy: Slug | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.deputy == self.chair:
            raise ValueError("trưởng khối và phó khối phải là hai đơn vị khác nhau")
        return self


class CriterionIn(_In):
    """A line of the bloc's scoring table (bảng tiêu chí chấm điểm of the giao ước thi đua)."""

    code: PolicyCode
    name: VnLine
    max: Annotated[int, Field(gt=0, le=1000)]


class BlocIn(_In):
    id: Slug
    name: VnLine
    members: list[Slug | MembershipIn]
    officers: list[OfficersIn] = Field(default_factory=list)
    criteria: list[CriterionIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_criteria(self) -> Self:
        codes = [c.code for c in self.criteria]
        if len(codes) != len(set(codes)):
            raise ValueError("mã tiêu chí chấm điểm bị trùng")
        return self

    def memberships(self) -> list[MembershipIn]:
        return [MembershipIn(unit=m) if isinstance(m, str) else m for m in self.members]


class RoleIn(_In):
    """A grant of authority: the role, the unit it is held for (unit-scoped roles), the title a signer
    signs with, and the days it holds — without dates, from the beginning and open-ended. It also ends
    when its body ends (the unit is dissolved, the province merged), whatever ``valid_until`` says."""

    role: Role
    unit: Slug | None = None
    title: VnLine | None = None
    valid_from: date | None = None
    valid_until: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until (ngày hết hiệu lực) trước valid_from (ngày có hiệu lực)")
        return self


class PersonIn(_In):
    username: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]
    full_name: VnName
    unit: Slug | None = None
    position: VnLine | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)] | None = None
    active: bool = True
    roles: list[Role | RoleIn] = Field(default_factory=list)

    def role_grants(self) -> list[RoleIn]:
        grants = []
        for entry in self.roles:
            grant = RoleIn(role=entry) if isinstance(entry, Role) else entry
            if grant.role in UNIT_SCOPED_ROLES and grant.unit is None:
                grant = grant.model_copy(update={"unit": self.unit})
            grants.append(grant)
        return grants

    @model_validator(mode="after")
    def _scoped_roles_have_unit(self) -> Self:
        for grant in self.role_grants():
            if grant.role is Role.SYSTEM:
                raise ValueError("vai trò 'system' dành cho hệ thống, không gán cho người")
            if grant.role in UNIT_SCOPED_ROLES and grant.unit is None:
                raise ValueError(f"vai trò '{grant.role.value}' cần đơn vị (unit)")
        return self


class RecordNomineeIn(_In):
    kind: NomineeKind
    name: VnName
    unit: Slug | None = None
    address: VnLine | None = None


class AwardRecordIn(_In):
    """A title the nominee already holds, known to the province (e.g. from earlier decisions)."""

    nominee: RecordNomineeIn
    title: Title
    year: Year
    commendation_type: CommendationType = CommendationType.REGULAR
    decision: VnLine | None = None


class OrganisationIn(_In):
    province: ProvinceIn
    other_provinces: list[ProvinceIn] = Field(default_factory=list)
    units: list[UnitIn] = Field(default_factory=list)
    blocs: list[BlocIn] = Field(default_factory=list)
    people: list[PersonIn] = Field(default_factory=list)
    award_records: list[AwardRecordIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        for label, ids in (
            ("đơn vị", [u.id for u in self.units]),
            ("khối", [b.id for b in self.blocs]),
            ("người dùng", [p.username for p in self.people]),
        ):
            seen: set[str] = set()
            for key in ids:
                if key in seen:
                    raise ValueError(f"{label} '{key}' khai báo hai lần")
                seen.add(key)
        return self
