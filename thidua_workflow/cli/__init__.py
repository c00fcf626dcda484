"""``thidua``: the operator's command line. Messages for people are Vietnamese; ``--json`` for machines.

Exit codes: 0 done, 2 input rejected, 3 not permitted, 4 conflict, 1 anything else. ``--as USERNAME``
is the local operator's stand-in for a signed-in person: the CLI has direct database access.

One module per resource, as the web app's pages; this module mounts them. A new command goes into the
module of its resource (a new resource: a new module, mounted below). A module imports at its top only
what ``thidua --help`` needs (typer, rich's console, the domain's enums and text helpers); a command
imports the services, SQLAlchemy, Prefect or ReportLab it uses inside its function, so that starting the
CLI stays cheap (``bench/cli_startup.py``; ``tests/cli/test_cli_startup.py`` guards it). For the same
reason the command modules do without ``from __future__ import annotations``: typer reads the signature of
every command on every start, and string annotations are evaluated twice there (``inspect.signature``,
``get_type_hints``), about 40 ms of a start that costs a few hundred.
"""

import sys
from datetime import date
from typing import Annotated

import typer

from thidua_workflow.cli import (
    audit,
    certificates,
    db,
    decisions,
    demo,
    documents,
    fund,
    movements,
    nominations,
    office,
    org,
    policy,
    reports,
    rounds,
    serve,
    sessions,
    signers,
    steps2025,
    tasks,
    users,
)
from thidua_workflow.cli._context import STATE

__all__ = ["app", "main"]

app = typer.Typer(help="Quy trình đề nghị khen thưởng (thi đua – khen thưởng).", no_args_is_help=True)


@app.callback()
def main_options(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Chạy như thể hôm nay là ngày này (YYYY-MM-DD), để diễn lại một kỳ cũ."),
    ] = None,
) -> None:
    STATE.as_of = date.fromisoformat(as_of) if as_of else None


# Commands of the root, then the groups, in the order `thidua --help` lists them.
app.command("audit")(audit.audit_log)
app.command("demo")(demo.demo)
app.command("web")(serve.web)
app.command("serve")(serve.serve)
app.command("sweep")(serve.sweep_once)
app.add_typer(db.app, name="db")
app.add_typer(org.app, name="org")
app.add_typer(nominations.app, name="nominations")
app.add_typer(tasks.app, name="tasks")
app.add_typer(policy.app, name="policy")
app.add_typer(rounds.app, name="rounds")
app.add_typer(sessions.app, name="sessions")
app.add_typer(decisions.app, name="decisions")
app.add_typer(certificates.app, name="certificates")
app.add_typer(documents.app, name="documents")
app.add_typer(users.app, name="users")
app.add_typer(signers.app, name="signers")
# --- NĐ 152/2025 steps (issue 19) ---
app.add_typer(steps2025.posting_app, name="posting")
app.add_typer(steps2025.clearances_app, name="clearances")
app.add_typer(steps2025.national_app, name="national")
app.add_typer(steps2025.annul_app, name="annul")
# issue 22: delegations and reassigning; the audit record's exports and the dashboard's snapshot
app.add_typer(office.delegations_app, name="delegations")
app.add_typer(office.records_app, name="records")
# issue 20b: the Ministry's report forms and the reward fund
app.add_typer(reports.app, name="reports")
app.add_typer(fund.app, name="fund")
# issue 20a: the year around the awards
app.add_typer(movements.movements_app, name="movements")
app.add_typer(movements.registrations_app, name="registrations")
app.add_typer(movements.pledges_app, name="pledges")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
