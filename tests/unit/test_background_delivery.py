"""The web app delivers wake-ups after the response: in commit order, what queued meanwhile together."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest

from thidua_workflow.services.context import Context
from thidua_workflow.web.server import in_background

CTX = cast(Context, object())


def test_deliveries_keep_commit_order_and_take_what_queued_together() -> None:
    release = threading.Event()
    seen: list[list[int]] = []
    done = threading.Event()

    def dispatch(_ctx: Context, ids: list[int]) -> None:
        seen.append(ids)
        if len(seen) == 1:
            release.wait(10)  # busy with the first while people go on acting
        if sum(map(len, seen)) == 6:
            done.set()

    deliver = in_background(dispatch)
    deliver(CTX, [1])
    while not seen:  # the worker has taken the first
        threading.Event().wait(0.01)
    deliver(CTX, [2, 3])
    deliver(CTX, [4])
    deliver(CTX, [5, 6])
    release.set()
    assert done.wait(10)
    assert seen == [[1], [2, 3, 4, 5, 6]]


def test_a_failed_delivery_is_logged_and_the_next_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[list[int]] = []
    done = threading.Event()

    def dispatch(_ctx: Context, ids: list[int]) -> Any:
        seen.append(ids)
        if ids == [1]:
            raise ConnectionError("Prefect API down")
        done.set()

    deliver = in_background(dispatch)
    deliver(CTX, [1])
    while not seen:
        threading.Event().wait(0.01)
    deliver(CTX, [2])
    assert done.wait(10)
    assert seen == [[1], [2]]
    assert "wake-ups [1] not delivered; the sweep will retry" in caplog.text
