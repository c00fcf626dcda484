"""The JSON API: English field names, bearer tokens, the same service calls as the pages and the CLI.

Errors come back as ``{"error": ..., "message": ..., "problems": [...]}`` with 400 (input rejected,
nothing stored), 401 (no valid token), 403 (not permitted), 404, 409 (somebody acted first).
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, Security
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, SecretStr

from thidua_workflow.domain.enums import NominationStatus, TaskKind
from thidua_workflow.errors import InputRejected, NotPermitted
from thidua_workflow.services import accounts, certificates, council, decisions, lookup, queries, rounds
from thidua_workflow.services import nominations as nomination_service
from thidua_workflow.services import tasks as task_service
from thidua_workflow.services.actors import read_actor
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.services.signers import SigningSecret
from thidua_workflow.services.visibility import require_decision, require_province
from thidua_workflow.web.core import RowId, context


class ProblemOut(BaseModel):
    """One thing wrong with one entry of the input, with the rule and the legal article it breaks."""

    message: str
    field: str | None = None
    entry: int | None = None
    nominee: str | None = None
    rule: str | None = None
    article: str | None = None


class ErrorOut(BaseModel):
    """Every refusal: nothing was stored. ``error`` names the kind (InputRejected, ValidationFailed,
    NotFound, Unauthenticated, NotPermitted, Conflict, StaleVersion, TransitionNotAllowed, NotConfigured…)."""

    error: str
    message: str = Field(description="for a person, in Vietnamese")
    problems: list[ProblemOut] = Field(default_factory=list)


class MalformedOut(BaseModel):
    """A request that does not match the schema (types, lengths, required fields)."""

    error: str
    message: str
    detail: list[dict[str, Any]]


def _answer(text: str, model: type[BaseModel] = ErrorOut) -> dict[str, Any]:
    return {"model": model, "description": text}


# What every operation may answer besides its success; 401 and 403 are added to those that need a token.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _answer("The input breaks a rule (which field, which rule, which article); nothing was stored."),
    404: _answer("No such item, or not one this token may see."),
    409: _answer("Somebody acted first, or the item has moved on; nothing was stored."),
    422: _answer("The request does not match the schema.", MalformedOut),
    503: _answer("The database is unreachable, or a setting the action needs is missing; try again later."),
}
TOKEN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _answer("No token, or one that is unknown or revoked."),
    403: _answer("The token's person may not do this (role, own unit, conflict of interest)."),
}

router = APIRouter(tags=["thidua"], responses=ERRORS)
bearer = HTTPBearer(auto_error=False, description="A personal API token from the account page (tdk_…)")


class Unauthenticated(NotPermitted):
    """No token, or one that is unknown or revoked: answered with 401."""

    http_status = 401


def api_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> str:
    if credentials is None:
        raise Unauthenticated("Thiếu mã truy cập (Authorization: Bearer tdk_…).")
    try:
        return accounts.username_for_token(context(request), credentials.credentials)
    except NotPermitted as exc:
        raise Unauthenticated(exc.message) from exc


User = Annotated[str, Depends(api_user)]


class Grant(BaseModel):
    role: str
    unit: str | None
    title: str | None


class Me(BaseModel):
    username: str
    full_name: str
    unit: str | None
    grants: list[Grant]


class Task(BaseModel):
    id: int
    kind: str
    kind_label: str
    subject: str
    nomination_id: int | None
    round_id: int | None
    session_id: int | None
    decision_id: int | None
    status: str
    due_on: date
    overdue: bool
    decisions: list[str]
    version: int


class ActIn(BaseModel):
    decision: str = Field(max_length=32)
    comment: str | None = Field(default=None, max_length=5000)
    approve: list[int] = Field(default_factory=list, max_length=2000)
    reject: list[int] = Field(default_factory=list, max_length=2000)
    abstain: list[int] = Field(default_factory=list, max_length=2000)
    scores: dict[str, dict[str, int]] | None = None
    next_chair: str | None = Field(default=None, max_length=64)
    next_deputy: str | None = Field(default=None, max_length=64)
    order: list[int] | None = Field(default=None, max_length=2000)
    leader: str | None = Field(default=None, max_length=64)
    tie_reason: str | None = Field(default=None, max_length=5000)
    reasons: dict[int, str] | None = None
    number: int | None = Field(default=None, ge=1, le=1_000_000)
    dated: date | None = None
    proposal_ref: str | None = Field(default=None, max_length=300)
    # 'recovered': the receipt's number (số chứng từ) when the fund paid the award; dated by `dated`
    voucher: str | None = Field(default=None, max_length=100)
    expected_version: int | None = None
    # 'sign' by a signer with their own key: the token's PIN, or the remote account's password and
    # one-time code; used for that signature, never kept
    pin: SecretStr | None = Field(default=None, max_length=64)
    signing_password: SecretStr | None = Field(default=None, max_length=200)
    otp: SecretStr | None = Field(default=None, max_length=64)


class ActOut(BaseModel):
    task_id: int
    kind: str
    decision: str
    summary: str


class NominationRow(BaseModel):
    id: int
    nominee: str
    nominee_kind: str
    award_form: str
    period: str
    unit: str
    status: str
    status_label: str


class SubmitIn(BaseModel):
    submission: dict[str, Any] = Field(
        description="the nomination file's content (README, 'The nomination file')"
    )
    files: dict[str, str] = Field(default_factory=dict, description="file name → base64 content")


class SubmitOut(BaseModel):
    submission_id: int
    nomination_ids: list[int]
    statuses: dict[int, str]


class WithdrawIn(BaseModel):
    reason: str = Field(max_length=5000)
    expected_version: int | None = None


class Verification(BaseModel):
    verdict: str
    message: str
    details: dict[str, Any]


class TokenOut(BaseModel):
    """A personal API token as its owner or an operator sees it (never the token itself)."""

    id: int
    username: str
    label: str
    created_at: datetime
    revoked_at: datetime | None


def _token_out(view: accounts.TokenView) -> TokenOut:
    return TokenOut(
        id=view.id,
        username=view.username,
        label=view.label,
        created_at=view.created_at,
        revoked_at=view.revoked_at,
    )


@router.get("/tokens", response_model=list[TokenOut])
def token_list(
    request: Request,
    username: User,
    owner: Annotated[
        str | None, Query(max_length=200, description="whose tokens (an operator's question)")
    ] = None,
) -> list[TokenOut]:
    """The tokens of the token's person, revoked ones included; an operator may name another ``owner``."""
    views = accounts.list_tokens(context(request), owner or username, by=username)
    return [_token_out(v) for v in views]


@router.post("/tokens/{token_id}/revoke", response_model=TokenOut)
def token_revoke(request: Request, token_id: RowId, username: User) -> TokenOut:
    """Revoke one of the person's tokens (an operator: anyone's); a program using it is refused at once."""
    return _token_out(accounts.revoke_token(context(request), username, token_id))


@router.get("/me", response_model=Me)
def me(request: Request, username: User) -> Me:
    actor = read_actor(context(request), username)
    return Me(
        username=actor.username,
        full_name=actor.full_name,
        unit=actor.unit_id,
        grants=[Grant(role=g.role.value, unit=g.unit_id, title=g.title) for g in actor.grants],
    )


@router.post("/tasks/{task_id}/act", response_model=ActOut)
def act(request: Request, task_id: RowId, body: ActIn, username: User) -> ActOut:
    payload = task_service.Payload(
        comment=body.comment,
        approve=set(body.approve),
        reject=set(body.reject),
        abstain=set(body.abstain),
        scores=body.scores,
        next_chair=body.next_chair,
        next_deputy=body.next_deputy,
        order=body.order,
        leader=body.leader,
        tie_reason=body.tie_reason,
        reasons=body.reasons,
        number=body.number,
        dated=body.dated,
        proposal_ref=body.proposal_ref,
        voucher=body.voucher,
        expected_version=body.expected_version,
        secret=SigningSecret(
            pin=body.pin.get_secret_value() if body.pin else None,
            password=body.signing_password.get_secret_value() if body.signing_password else None,
            otp=body.otp.get_secret_value() if body.otp else None,
        ),
    )
    result = task_service.act(context(request), username, task_id, body.decision, payload)
    return ActOut(**result.to_dict())


TOTAL_HEADER = "X-Total-Count"
MAX_OFFSET = queries.MAX_OFFSET  # a larger offset answered 500 (found by the schemathesis test)
PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            TOTAL_HEADER: {
                "description": "how many rows the whole filtered list holds (the body is one page of it)",
                "schema": {"type": "integer"},
            }
        }
    }
}


@router.get("/tasks", response_model=list[Task], responses=PAGED)
def tasks(
    request: Request,
    response: Response,
    username: User,
    kind: TaskKind | None = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="rows in this page")] = 500,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows skipped before this page")] = 0,
) -> list[Task]:
    """The person's open tasks, the most urgent first, one page at a time; ``X-Total-Count`` holds the total."""
    ctx = context(request)
    listed = task_service.list_tasks(ctx, username, kind=kind, offset=offset, limit=limit)
    response.headers[TOTAL_HEADER] = str(task_service.count_tasks(ctx, username, kind=kind)[0])
    return [Task(**t.__dict__) for t in listed]


@router.get("/nominations", response_model=list[NominationRow], responses=PAGED)
def nomination_list(
    request: Request,
    response: Response,
    username: User,
    status: NominationStatus | None = None,
    year: Annotated[int | None, Field(ge=1945, le=2200)] = None,
    search: Annotated[str | None, Field(max_length=200)] = None,
    sort: Annotated[
        str | None,
        Query(
            description="id, nominee, award_form, year, unit, status or updated_at; '-' before it reverses. "
            "By default: newest year, award form, then the nominee's name in Vietnamese order.",
            max_length=20,
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="rows in this page")] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows skipped before this page")] = 0,
) -> list[NominationRow]:
    """The nominations the token's person may see, one page at a time; ``X-Total-Count`` holds the total."""
    ctx = context(request)
    actor = read_actor(ctx, username)
    filters = queries.NominationFilter(status=status, year=year, search=search, viewer=actor)
    page = queries.page_nominations(ctx, filters, sort=sort, offset=offset, limit=limit)
    response.headers[TOTAL_HEADER] = str(page.total)
    return [NominationRow(**{k: v for k, v in r.to_dict().items() if k != "updated_at"}) for r in page.rows]


@router.get("/nominations/{nomination_id}")
def nomination(request: Request, nomination_id: RowId, username: User) -> dict[str, Any]:
    ctx = context(request)
    actor = read_actor(ctx, username)
    return queries.show_nomination(ctx, nomination_id, viewer=actor).to_dict()


@router.post("/nominations", response_model=SubmitOut, status_code=201)
def submit(request: Request, body: SubmitIn, username: User) -> SubmitOut:
    files = {}
    for name, encoded in body.files.items():
        try:
            files[name] = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputRejected(f"Tệp '{name}' không phải base64 hợp lệ.") from exc
    result = nomination_service.submit(
        context(request), username, body.submission, MappingSource(files), source_name="api"
    )
    return SubmitOut(
        submission_id=result.submission_id, nomination_ids=result.nomination_ids, statuses=result.statuses
    )


@router.post("/nominations/{nomination_id}/withdraw")
def withdraw(request: Request, nomination_id: RowId, body: WithdrawIn, username: User) -> dict[str, str]:
    status = nomination_service.withdraw(
        context(request), username, nomination_id, body.reason, expected_version=body.expected_version
    )
    return {"status": status}


@router.get("/rounds/{round_id}")
def round_detail(request: Request, round_id: RowId, username: User) -> dict[str, Any]:
    ctx = context(request)
    return rounds.show_round(ctx, round_id, viewer=read_actor(ctx, username)).to_dict()


@router.get("/sessions/{session_id}")
def session_detail(request: Request, session_id: RowId, username: User) -> dict[str, Any]:
    ctx = context(request)
    require_province(read_actor(ctx, username), "phiên họp Hội đồng")
    return council.show_session(ctx, session_id).to_dict()


@router.get("/decisions/{decision_id}")
def decision_detail(request: Request, decision_id: RowId, username: User) -> dict[str, Any]:
    ctx = context(request)
    view = decisions.show_decision(ctx, decision_id)
    require_decision(read_actor(ctx, username), decision_id, view.status)
    return view.to_dict()


@router.get("/verify/{code}", response_model=Verification)
def verify(request: Request, code: Annotated[str, Field(max_length=100)]) -> Verification:
    """Public: genuine, unknown, altered or revoked."""
    return Verification(**certificates.verify(context(request), code).to_dict())


@router.get("/awardees")
def awardees(
    request: Request,
    name: Annotated[str, Field(max_length=200)] = "",
    unit: Annotated[str, Field(max_length=200)] = "",
    year: Annotated[int | None, Field(ge=1945, le=2200)] = None,
) -> list[dict[str, Any]]:
    """Public: awardees of issued decisions, accent-insensitive."""
    return [a.to_dict() for a in lookup.find_awardees(context(request), name=name, unit=unit, year=year)]


def _needs_token(dependant: Dependant) -> bool:
    return any(d.call is api_user or _needs_token(d) for d in dependant.dependencies)


for _route in router.routes:
    if isinstance(_route, APIRoute) and _needs_token(_route.dependant):
        _route.responses = {**_route.responses, **TOKEN_ERRORS}
