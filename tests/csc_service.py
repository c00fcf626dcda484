"""A local remote-signing service speaking the Cloud Signature Consortium API v2, for the tests: one
account, one credential (a key and certificate issued by the tests' CA), approval by a one-time code.

Endpoints (under ``/csc/v2``): ``info``, ``auth/login`` (HTTP Basic → access token),
``credentials/list``, ``credentials/info``, ``credentials/authorize`` (OTP → SAD bound to the hashes, SCAL 2)
and ``signatures/signHash``. Every call is recorded in ``calls`` (endpoint and body, secrets included, so a
test can see what the client sent; the service is the test's own).
"""

from __future__ import annotations

import base64
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from thidua_workflow.certificates.demo_ca import DemoCA

SHA256 = "2.16.840.1.101.3.4.2.1"
RSA = "1.2.840.113549.1.1.1"
SHA256_RSA = "1.2.840.113549.1.1.11"


@dataclass
class CscState:
    username: str
    password: str
    otp: str
    credential_id: str
    key: rsa.RSAPrivateKey
    chain: list[bytes]  # DER, the signer's certificate first
    tokens: set[str] = field(default_factory=set)
    sads: dict[str, list[str]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def endpoints(self) -> list[str]:
        return [name for name, _ in self.calls]


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def csc_app(state: CscState) -> FastAPI:
    app = FastAPI()

    async def body_of(request: Request, name: str) -> dict[str, Any]:
        raw = await request.body()
        import json

        data = json.loads(raw) if raw else {}
        state.calls.append((name, data))
        return data if isinstance(data, dict) else {}

    def bearer_ok(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        return header.startswith("Bearer ") and header[7:] in state.tokens

    @app.post("/csc/v2/info")
    async def info(request: Request) -> Any:
        await body_of(request, "info")
        return {
            "specs": "2.0.0.2",
            "name": "Dịch vụ ký số thử nghiệm",
            "logo": "",
            "region": "VN",
            "lang": "vi",
            "description": "CSC API v2 test service",
            "authType": ["basic"],
            "methods": [
                "auth/login",
                "credentials/list",
                "credentials/info",
                "credentials/authorize",
                "signatures/signHash",
            ],
        }

    @app.post("/csc/v2/auth/login")
    async def login(request: Request) -> Any:
        await body_of(request, "auth/login")
        header = request.headers.get("authorization", "")
        try:
            user, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            return _error(401, "invalid_request", "Malformed Basic authorization")
        if not header.startswith("Basic ") or (user, password) != (state.username, state.password):
            return _error(401, "access_denied", "Invalid username or password")
        token = secrets.token_urlsafe(16)
        state.tokens.add(token)
        return {"access_token": token, "expires_in": 3600}

    @app.post("/csc/v2/credentials/list")
    async def credentials_list(request: Request) -> Any:
        await body_of(request, "credentials/list")
        if not bearer_ok(request):
            return _error(401, "invalid_token", "Invalid access token")
        return {"credentialIDs": [state.credential_id]}

    @app.post("/csc/v2/credentials/info")
    async def credentials_info(request: Request) -> Any:
        data = await body_of(request, "credentials/info")
        if not bearer_ok(request):
            return _error(401, "invalid_token", "Invalid access token")
        if data.get("credentialID") != state.credential_id:
            return _error(400, "invalid_request", "Invalid parameter credentialID")
        return {
            "key": {"status": "enabled", "algo": [SHA256_RSA, RSA], "len": 2048},
            "cert": {
                "status": "valid",
                "certificates": [base64.b64encode(der).decode() for der in state.chain],
            },
            "authMode": "explicit",
            "SCAL": "2",
            "multisign": 1,
            "lang": "vi",
        }

    @app.post("/csc/v2/credentials/authorize")
    async def authorize(request: Request) -> Any:
        data = await body_of(request, "credentials/authorize")
        if not bearer_ok(request):
            return _error(401, "invalid_token", "Invalid access token")
        if data.get("credentialID") != state.credential_id:
            return _error(400, "invalid_request", "Invalid parameter credentialID")
        hashes_ = data.get("hashes") or []
        if not hashes_ or data.get("numSignatures") != len(hashes_):
            return _error(400, "invalid_request", "Invalid parameter hashes")
        if data.get("OTP") != state.otp:
            return _error(400, "invalid_otp", "The OTP is invalid")
        sad = secrets.token_urlsafe(16)
        state.sads[sad] = list(hashes_)
        return {"SAD": sad, "expiresIn": 300}

    @app.post("/csc/v2/signatures/signHash")
    async def sign_hash(request: Request) -> Any:
        data = await body_of(request, "signatures/signHash")
        if not bearer_ok(request):
            return _error(401, "invalid_token", "Invalid access token")
        hashes_ = data.get("hashes") or []
        bound = state.sads.pop(str(data.get("SAD")), None)
        if bound is None or sorted(bound) != sorted(hashes_):
            return _error(400, "invalid_request", "SAD not valid for these hashes")
        if data.get("hashAlgorithmOID") != SHA256 or data.get("signAlgo") not in (SHA256_RSA, RSA):
            return _error(400, "invalid_request", "Unsupported algorithm")
        signatures = [
            base64.b64encode(
                state.key.sign(base64.b64decode(h), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
            ).decode()
            for h in hashes_
        ]
        return {"signatures": signatures}

    return app


def new_state(ca: DemoCA, name: str) -> CscState:
    issued = ca.issue(name, organization="UBND tỉnh Quảng Bình")
    key = serialization.load_der_private_key(issued.key_pkcs8_der, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return CscState(
        username="chutich",
        password="mat-khau-ky-so",
        otp="246810",
        credential_id="cred-" + secrets.token_hex(4),
        key=key,
        chain=[issued.cert_der, ca.cert_der],
    )


@contextmanager
def running(state: CscState) -> Iterator[str]:
    """The service on a free local port, in a thread, for the ``with`` block; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(csc_app(state), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the CSC test service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
