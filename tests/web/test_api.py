"""The JSON API: bearer tokens, English fields, the services' errors as status codes, nothing half-stored."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from tests.integration.helpers import QB_NOMINATIONS, example, row_counts, submit_example
from tests.web.conftest import Browser
from thidua_workflow.services import accounts
from thidua_workflow.services.context import Context


def bearer(qb: Context, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.issue_token(qb, username, 'kiểm thử').token}"}


def with_files(name: str) -> dict[str, object]:
    data = example(name)
    names = {d["file"] for d in data["documents"]} | {
        e["file"] for n in data["nominations"] for e in n.get("evidence", [])
    }
    files = {n: base64.b64encode((QB_NOMINATIONS / n).read_bytes()).decode() for n in names}
    return {"submission": json.loads(json.dumps(data, default=str)), "files": files}


def test_a_clerk_submits_and_follows_nominations_through_the_api(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    api = app_client().client
    headers = bearer(qb, "mu.canbo")
    me = api.get("/api/me", headers=headers).json()
    assert me["full_name"] == "Tạ Thị Giả Định Sáng"
    assert {"role": "unit_clerk", "unit": "qb-hoi-nguoi-mu", "title": None} in me["grants"]

    response = api.post("/api/nominations", json=with_files("hoi-nguoi-mu-2019"), headers=headers)
    assert response.status_code == 201, response.text
    ids = response.json()["nomination_ids"]
    assert len(ids) == 2
    listed = api.get("/api/nominations", params={"search": "tran van sang kien"}, headers=headers).json()
    assert [row["nominee"] for row in listed] == ["Trần Văn Sáng Kiến"]
    detail = api.get(f"/api/nominations/{ids[1]}", headers=headers).json()
    assert detail["status"] == "bloc_review" and detail["timeline"][0]["action"] == "submit"

    response = api.post(
        f"/api/nominations/{ids[1]}/withdraw", json={"reason": "Rút để năm sau"}, headers=headers
    )
    assert response.status_code == 200 and response.json() == {"status": "withdrawn"}


def test_a_rejected_submission_lists_every_problem_and_stores_nothing(
    qb: Context, app_client: Callable[..., Browser]
) -> None:
    api = app_client().client
    body = with_files("hoi-nguoi-mu-2019")
    body["submission"]["nominations"][0]["nominee"]["kind"] = "robot"  # type: ignore[index]
    body["submission"]["nominations"][1]["nominee"]["name"] = ""  # type: ignore[index]
    headers = bearer(qb, "mu.canbo")
    before = row_counts(qb)
    response = api.post("/api/nominations", json=body, headers=headers)
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert {p.get("entry") for p in problems} >= {1, 2}
    assert row_counts(qb) == before


def test_tokens_and_permissions(qb: Context, app_client: Callable[..., Browser]) -> None:
    api = app_client().client
    nomination = submit_example(qb, "hoi-nguoi-mu-2019").nomination_ids[0]
    assert api.get("/api/tasks").status_code == 401
    assert api.get("/api/tasks", headers={"Authorization": "Bearer tdk_nonsense"}).status_code == 401
    other = bearer(qb, "nct.canbo")
    response = api.get(f"/api/nominations/{nomination}", headers=other)
    missing = api.get("/api/nominations/999999", headers=other)
    assert response.status_code == missing.status_code == 404  # as a missing one (issue 14)
    assert response.json() == {**missing.json(), "message": f"Không tìm thấy hồ sơ đề nghị '{nomination}'."}
    assert api.get("/api/sessions/1", headers=other).status_code == 403
    issued = accounts.issue_token(qb, "mu.canbo", "sẽ thu hồi")
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert api.get("/api/tasks", headers=headers).status_code == 200
    accounts.revoke_token(qb, "mu.canbo", issued.id)
    assert api.get("/api/tasks", headers=headers).status_code == 401


def test_the_chairs_task_is_acted_on_through_the_api(qb: Context, app_client: Callable[..., Browser]) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")
    api = app_client().client
    headers = bearer(qb, "nct.chutich")
    tasks = api.get("/api/tasks", headers=headers).json()
    opening = next(t for t in tasks if t["kind"] == "round_open")
    wrong = api.post(f"/api/tasks/{opening['id']}/act", json={"decision": "close"}, headers=headers)
    assert wrong.status_code == 400 and "open" in wrong.json()["message"]
    done = api.post(f"/api/tasks/{opening['id']}/act", json={"decision": "open"}, headers=headers)
    assert done.status_code == 200 and "mở bỏ phiếu" in done.json()["summary"]
    again = api.post(f"/api/tasks/{opening['id']}/act", json={"decision": "open"}, headers=headers)
    assert again.status_code == 409


def test_the_openapi_document_describes_only_the_api(app_client: Callable[..., Browser]) -> None:
    schema = app_client().client.get("/api/openapi.json").json()
    assert "/api/tasks/{task_id}/act" in schema["paths"]
    assert all(path.startswith("/api/") for path in schema["paths"])
    assert app_client().client.get("/docs").status_code == 404  # no Swagger UI from a CDN
