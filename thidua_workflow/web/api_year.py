"""The JSON API of the year around the awards (issue 20a): movements, registrations, pledges.

The same services as the pages and the CLI; files travel base64-encoded, as with nominations.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from thidua_workflow.domain.movements import MovementDocumentKind
from thidua_workflow.errors import InputRejected
from thidua_workflow.services import movements, pledges, registrations
from thidua_workflow.services.actors import read_actor
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.web.api import ERRORS, TOKEN_ERRORS, User, api_user
from thidua_workflow.web.core import RowId, context

router = APIRouter(tags=["thidua"], responses=ERRORS)
Code = Annotated[str, Field(max_length=64)]


def _decode(name: str, encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputRejected(f"Tệp '{name}' không phải base64 hợp lệ.") from exc


class MovementIn(BaseModel):
    movement: dict[str, Any] = Field(
        description="as a movement YAML file holds it (documents name the files)"
    )
    files: dict[str, str] = Field(default_factory=dict, description="file name → base64 content")


class RegistrationIn(BaseModel):
    unit: str = Field(max_length=64)
    lines: list[dict[str, Any]] = Field(max_length=2000)


class CollectIn(BaseModel):
    bloc: str = Field(max_length=64)


class PledgeSignIn(BaseModel):
    file_name: str = Field(max_length=300)
    content: str = Field(description="base64 of the signed copy (PDF or image)")
    unit: str | None = Field(default=None, max_length=64)


class Created(BaseModel):
    id: int


@router.get("/movements")
def movement_list(
    request: Request, username: User, year: Annotated[int | None, Query(ge=1900, le=2999)] = None
) -> list[dict[str, Any]]:
    return movements.list_movements(context(request), year)


@router.get("/movements/{code}")
def movement_detail(request: Request, code: Code, username: User) -> dict[str, Any]:
    return movements.show_movement(context(request), code)


@router.get("/movements/{code}/results")
def movement_results(request: Request, code: Code) -> list[dict[str, Any]]:
    """Public: the awardees of issued decisions that came out of the movement."""
    return movements.movement_results(context(request), code)


@router.post("/movements", response_model=Created, status_code=201)
def movement_launch(request: Request, body: MovementIn, username: User) -> Created:
    files = {name: _decode(name, encoded) for name, encoded in body.files.items()}
    created = movements.launch(context(request), username, body.movement, source=MappingSource(files))
    return Created(id=created)


@router.get("/movements/{code}/registrations")
def registration_list(request: Request, code: Code, username: User) -> list[dict[str, Any]]:
    ctx = context(request)
    return registrations.list_registrations(ctx, code, viewer=read_actor(ctx, username))


@router.post("/movements/{code}/registrations", response_model=Created, status_code=201)
def registration_submit(request: Request, code: Code, body: RegistrationIn, username: User) -> Created:
    data = {"movement": code, "unit": body.unit, "lines": body.lines}
    return Created(id=registrations.register(context(request), username, data, source_name="api"))


@router.post("/movements/{code}/collect")
def registration_collect(request: Request, code: Code, body: CollectIn, username: User) -> dict[str, Any]:
    return registrations.collect(context(request), username, code, body.bloc)


@router.get("/pledges/{pledge_id}")
def pledge_detail(request: Request, pledge_id: RowId, username: User) -> dict[str, Any]:
    return pledges.show_pledge(context(request), pledge_id)


@router.post("/pledges", response_model=Created, status_code=201)
def pledge_draw_up(request: Request, body: dict[str, Any], username: User) -> Created:
    return Created(id=pledges.draw_up(context(request), username, body))


@router.post("/pledges/{pledge_id}/sign")
def pledge_sign(request: Request, pledge_id: RowId, body: PledgeSignIn, username: User) -> dict[str, Any]:
    document = movements.NewDocument(
        MovementDocumentKind.OTHER, body.file_name, _decode(body.file_name, body.content)
    )
    return pledges.sign(context(request), username, pledge_id, document, unit=body.unit)


for _route in router.routes:
    if isinstance(_route, APIRoute) and any(d.call is api_user for d in _route.dependant.dependencies):
        _route.responses = {**_route.responses, **TOKEN_ERRORS}
