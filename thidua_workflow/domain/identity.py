"""How the system recognises the same nominee twice: by kind, accent-free name and unit (or address)."""

from __future__ import annotations

from datetime import date

from thidua_workflow.domain.enums import NomineeKind
from thidua_workflow.domain.text import (
    ORDER_KEY_LENGTH,
    collation_key,
    name_collation_key,
    name_sort_key,
    search_key,
    sort_key,
)


def nominee_key(kind: NomineeKind, name: str, unit_id: str | None, address: str | None = None) -> str:
    """Key under which a nominee's awards are recorded; a household is known by its address."""
    place = search_key(address or "") if kind is NomineeKind.HOUSEHOLD else (unit_id or "")
    return f"{kind.value}|{search_key(name)}|{place}"


def dedupe_key(key: str, birth_date: date | None, award_form: str, period_code: str) -> str:
    """One live nomination per nominee, award form and period."""
    born = birth_date.isoformat() if birth_date else ""
    return f"{key}|{born}|{award_form}|{period_code}"


_KIND_ORDER = {NomineeKind.COLLECTIVE: 0, NomineeKind.PERSON: 1, NomineeKind.HOUSEHOLD: 2}


def list_order(kind: NomineeKind, name: str) -> tuple[object, ...]:
    """Lists and decisions: collectives, then persons (by given name), then households; Vietnamese order."""
    key = name_sort_key(name) if kind is NomineeKind.PERSON else sort_key(name)
    return (_KIND_ORDER[kind], key)


def list_order_key(kind: NomineeKind, name: str) -> str:
    """``list_order`` as one string, stored with each nomination so that SQL sorts and pages lists."""
    key = name_collation_key(name) if kind is NomineeKind.PERSON else collation_key(name)
    return (str(_KIND_ORDER[kind]) + key)[:ORDER_KEY_LENGTH]
