"""Bad input at every door, drawn by Hypothesis: the nomination file loader, the CLI and the web forms.

Whatever arrives, the answer is one of the project's errors (a message and an exit code, or a 4xx page),
never a crash or a 500, and a refused input stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from tests.integration.helpers import example, row_counts
from tests.web.conftest import Browser
from thidua_workflow.cli import app as cli_app
from thidua_workflow.errors import ThiduaError
from thidua_workflow.services.context import Context
from thidua_workflow.services.evidence import MappingSource
from thidua_workflow.services.nominations import submit

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.dates().map(str),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)


def mutations() -> st.SearchStrategy[dict[str, Any]]:
    """The example file with one field replaced by anything: close to valid, so the checks run deep."""
    paths = [
        ("unit",),
        ("documents",),
        ("nominations",),
        ("nominations", 0, "nominee"),
        ("nominations", 0, "nominee", "kind"),
        ("nominations", 0, "nominee", "name"),
        ("nominations", 0, "award_form"),
        ("nominations", 0, "period"),
        ("nominations", 0, "period", "year"),
        ("nominations", 0, "declared"),
        ("nominations", 1, "declared", "titles"),
        ("nominations", 0, "evidence"),
        ("documents", 0, "signed_by"),
        ("documents", 0, "file"),
    ]

    def build(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
        data = example("hoi-nguoi-mu-2019")
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data

    return st.builds(build, st.sampled_from(paths), json_like)


def files() -> MappingSource:
    folder = EXAMPLES / "quang-binh" / "nominations"
    data = example("hoi-nguoi-mu-2019")
    names = {d["file"] for d in data["documents"]} | {
        e["file"] for n in data["nominations"] for e in n.get("evidence", [])
    }
    return MappingSource({name: (folder / name).read_bytes() for name in names})


def test_the_file_loader_refuses_anything_malformed_and_stores_nothing(qb: Context) -> None:
    source = files()
    accepted: list[int] = []

    @given(data=st.one_of(mutations(), json_like))
    @SETTINGS
    def one(data: Any) -> None:
        before = row_counts(qb)
        try:
            result = submit(qb, "mu.canbo", data, source)
        except ThiduaError:
            assert row_counts(qb) == before
            return
        accepted.append(result.submission_id)  # a change the rules accept is a real submission

    one()
    assert len(accepted) <= 2, (
        "nearly every mutation breaks a rule; more acceptances means checks are missing"
    )


def test_the_cli_answers_any_file_with_an_error_message_and_an_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THIDUA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("THIDUA_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli_app, ["org", "load", str(EXAMPLES / "quang-binh" / "org.yaml")]).exit_code == 0
    target = tmp_path / "de-nghi.yaml"

    @given(
        content=st.one_of(
            json_like.map(lambda d: yaml.safe_dump(d, allow_unicode=True)), st.binary(max_size=200)
        )
    )
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def one(content: str | bytes) -> None:
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
        result = runner.invoke(
            cli_app, ["--as-of", "2019-12-05", "nominations", "submit", str(target), "--as", "mu.canbo"]
        )
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception

    one()


def test_the_forms_answer_anything_without_a_500(qb: Context, app_client: Callable[..., Browser]) -> None:
    clerk = app_client("mu.canbo")
    forms = {
        "/nominations/new": [
            "unit",
            "kind",
            "name",
            "award_form",
            "year",
            "achievement",
            "title_1",
            "title_1_year",
        ],
        "/nominations/1/withdraw": ["reason", "version"],
        "/nominations/1/appraise": ["decision", "comment", "version"],
        "/nominations/1/findings": ["rule", "finding", "reason", "version"],
        "/tasks/bulk": ["task", "decision"],
        "/account/tokens": ["label"],
    }
    text = st.text(max_size=30)

    @given(url=st.sampled_from(sorted(forms)), values=st.lists(text, min_size=8, max_size=8))
    @SETTINGS
    def one(url: str, values: list[str]) -> None:
        clerk.get("/")
        before = row_counts(qb)
        data = dict(zip(forms[url], values, strict=False))
        response = clerk.post(url, data)
        assert response.status_code < 500, (url, data, response.text[:500])
        if response.status_code >= 400:
            assert row_counts(qb) == before

    one()
