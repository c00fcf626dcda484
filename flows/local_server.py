"""A Prefect server and a runner of our deployments, as child processes, for one machine.

``thidua serve`` and ``thidua demo`` use them when no ``PREFECT_API_URL`` is configured: the server keeps
its state in the data directory (``prefect/``), so a second start shows the earlier flow runs again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no internet here; it would only log errors
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # pick up a new flow run within a second
    "PREFECT_CLIENT_MAX_RETRIES": "2",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(home: Path, port: int) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        **QUIET,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
    }


def wait_healthy(api_url: str, process: subprocess.Popen[bytes], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prefect server exited with code {process.returncode}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"Prefect server at {api_url} not healthy after {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes], grace: float = 15, sig: int = signal.SIGTERM) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def prefect_server(home: Path, port: int | None = None) -> Iterator[str]:
    """Start ``prefect server start`` on 127.0.0.1; yields its API URL; stops it on exit."""
    port = port or free_port()
    env = server_env(home, port)
    log = (home / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(env["PREFECT_API_URL"], process)
        yield env["PREFECT_API_URL"]
    finally:
        stop(process)
        log.close()


@contextmanager
def runner(
    api_url: str, home: Path, extra_env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Serve every deployment (``flows.serve``) in a child process against ``api_url``."""
    env = {**os.environ, **QUIET, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(home), **(extra_env or {})}
    log = (home / "runner.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.serve"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_deployments(api_url, process)
        yield process
    finally:
        stop(process, sig=signal.SIGINT)  # the runner shuts down cleanly on an interrupt
        log.close()


def wait_for_deployments(api_url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    from flows.serve import deployments

    expected = len(deployments())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the runner exited with code {process.returncode}")
        try:
            response = httpx.post(f"{api_url}/deployments/count", json={}, timeout=5)
            if response.status_code == 200 and int(response.json()) >= expected:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError("the runner did not register its deployments in time")
