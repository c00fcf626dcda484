"""Schemathesis against the OpenAPI document: generated requests never get a 500, and a refused one
changes nothing in the database.

Each operation's strategy comes from the document; Hypothesis draws requests from it and sends them
through the app with a representative's token (who may act on some things, not on others).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from tests.integration.helpers import row_counts, submit_example
from thidua_workflow.services import accounts
from thidua_workflow.services.context import Context
from thidua_workflow.web.app import create_app


def test_no_request_breaks_the_api_and_refusals_change_nothing(qb: Context) -> None:
    submit_example(qb, "hoi-nguoi-mu-2019")  # something to read, withdraw and act on
    tokens = [accounts.issue_token(qb, "nct.chutich", "schemathesis").token]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(qb))
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "every operation of the document loads"
    assert len(operations) >= 10
    seen: set[str] = set()

    @given(case=st.one_of(*(op.as_strategy() for op in operations)))
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def one_request(case: Any) -> None:
        before = row_counts(qb)
        response = case.call(headers={"Authorization": f"Bearer {tokens[-1]}"})
        seen.add(f"{case.method} {case.path}")
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
        if response.status_code >= 400:
            assert row_counts(qb) == before, f"{case.method} {case.formatted_path} -> {response.status_code}"
        elif case.path.endswith("/revoke") and response.json().get("revoked_at"):
            # It may have revoked its own token: a new one, so the following requests still get through.
            tokens.append(accounts.issue_token(qb, "nct.chutich", "schemathesis").token)

    one_request()
    if len(seen) < len(operations) // 2:
        pytest.fail(f"only {len(seen)} of {len(operations)} operations were exercised: {sorted(seen)}")
