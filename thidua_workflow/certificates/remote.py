"""A signer's key held by a remote signing service speaking the Cloud Signature Consortium API v2, with
pyHanko's CSC signer as the client.

One signing, all within one call of :func:`remote_sign`:

1. ``auth/login`` (HTTP Basic with the person's account name and password) gives an access token;
2. ``credentials/list`` finds the credential when the person's configuration names none;
3. ``credentials/info`` gives the signer's certificate and chain;
4. ``credentials/authorize`` with the document's hash and the person's one-time code (OTP) or PIN: the
   person's approval, answered by Signature Activation Data (SAD) bound to that hash;
5. ``signatures/signHash`` returns the signature value, which pyHanko embeds.

pyHanko's client formats requests after version 1 of the API (``hash``, ``hashAlgo``); the requests here
use version 2's names (``hashes``, ``hashAlgorithmOID``) and keep the old ones beside them, which services of
either version accept. Nothing the person types is stored or logged.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from thidua_workflow.certificates.signing import Stamp, async_sign_with
from thidua_workflow.errors import ConfigurationError, InputRejected

if TYPE_CHECKING:
    import aiohttp

TIMEOUT = 60  # seconds for each call to the service


@dataclass(frozen=True)
class RemoteAccount:
    """A person's account at a CSC service: its base address (before ``/csc/v2``), the account's name,
    and the credential (key) to sign with — the first the account has when not given."""

    url: str
    username: str
    credential_id: str | None = None


@dataclass(frozen=True)
class Approval:
    """What the person gives at signing: the account's password and the one-time code or PIN that
    authorizes this signature. Never shown in a repr, never stored."""

    password: str = field(repr=False)
    otp: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.password:
            raise InputRejected("Chưa nhập mật khẩu tài khoản ký số từ xa (password).")
        if not self.otp:
            raise InputRejected("Chưa nhập mã xác nhận (OTP/PIN) của dịch vụ ký số từ xa (otp).")


def url_problem(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return f"địa chỉ dịch vụ ký số từ xa phải bắt đầu bằng https:// : '{url}'"
    if parts.query or parts.fragment:
        return f"địa chỉ dịch vụ ký số từ xa không có phần '?…' hay '#…': '{url}'"
    return None


class _Refused(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('error', '')}: {body.get('error_description', '')}")
        self.status = status
        self.body = body


async def _post(
    session: aiohttp.ClientSession, url: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    import aiohttp

    async with session.post(
        url, json=body, headers=headers, timeout=aiohttp.ClientTimeout(total=TIMEOUT)
    ) as response:
        try:
            data = await response.json(content_type=None)
        except ValueError:
            data = {}
        if response.status >= 400:
            raise _Refused(response.status, data if isinstance(data, dict) else {})
        return data if isinstance(data, dict) else {}


async def _remote_sign(
    pdf: bytes, account: RemoteAccount, approval: Approval, stamp: Stamp, reason: str, location: str
) -> bytes:
    import aiohttp
    from asn1crypto import algos
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.signers import csc_signer

    base = account.url.rstrip("/")
    async with aiohttp.ClientSession() as http:
        basic = base64.b64encode(f"{account.username}:{approval.password}".encode()).decode()
        try:
            login = await _post(http, f"{base}/csc/v2/auth/login", {}, {"Authorization": f"Basic {basic}"})
        except _Refused as exc:
            if exc.status in (400, 401, 403):
                raise InputRejected(
                    "Dịch vụ ký số từ xa không nhận tài khoản hoặc mật khẩu; chưa ký, không có gì thay đổi."
                ) from exc
            raise
        token = str(login.get("access_token") or "")
        if not token:
            raise ConfigurationError("Dịch vụ ký số từ xa không trả về access_token ở auth/login.")
        bearer = {"Authorization": f"Bearer {token}"}
        credential = account.credential_id
        if not credential:
            listed = await _post(http, f"{base}/csc/v2/credentials/list", {}, bearer)
            ids = listed.get("credentialIDs") or []
            if not ids:
                raise ConfigurationError(f"Tài khoản '{account.username}' không có khóa ký số nào ở dịch vụ.")
            credential = str(ids[0])
        session_info = csc_signer.CSCServiceSessionInfo(
            service_url=base, credential_id=credential, oauth_token=token, api_ver="v2"
        )
        info = await csc_signer.fetch_certs_in_csc_credential(http, session_info, timeout=TIMEOUT)

        class Authorize(csc_signer.CSCAuthorizationManager):
            """``credentials/authorize`` for exactly the hashes about to be signed (SCAL 2 or 1)."""

            async def authorize_signature(self, hash_b64s: list[str]) -> csc_signer.CSCAuthorizationInfo:
                body = self.format_csc_auth_request(hash_b64s=hash_b64s, otp=approval.otp)
                body["hashes"] = hash_b64s
                body["hashAlgorithmOID"] = algos.DigestAlgorithmId("sha256").dotted
                try:
                    answer = await _post(http, f"{base}/csc/v2/credentials/authorize", body, bearer)
                except _Refused as exc:
                    # pyHanko turns any error here into its own; the refusal is told after it returns
                    refusals.append(exc)
                    raise SigningError(str(exc)) from exc
                return self.parse_csc_auth_response(answer)

        class Signer(csc_signer.CSCSigner):
            async def format_csc_signing_req(
                self, tbs_hashes: list[str], digest_algorithm: str
            ) -> dict[str, Any]:
                body: dict[str, Any] = await super().format_csc_signing_req(tbs_hashes, digest_algorithm)
                body["hashes"] = body["hash"]
                body["hashAlgorithmOID"] = body["hashAlgo"]
                return body

        refusals: list[_Refused] = []
        signer = Signer(http, Authorize(session_info, info), sign_timeout=TIMEOUT)
        try:
            return await async_sign_with(pdf, signer, stamp, reason=reason, location=location)
        except SigningError:
            if refusals and refusals[0].status in (400, 401, 403):
                raise InputRejected(
                    "Dịch vụ ký số từ xa không chấp nhận mã xác nhận (OTP/PIN); chưa ký, không có gì thay đổi."
                ) from refusals[0]
            raise


def remote_sign(
    pdf: bytes, account: RemoteAccount, approval: Approval, stamp: Stamp, *, reason: str, location: str
) -> bytes:
    """``pdf`` signed by the person's key at the remote service, after their approval."""
    import aiohttp
    from pyhanko.sign.general import SigningError

    try:
        return asyncio.run(_remote_sign(pdf, account, approval, stamp, reason, location))
    except (_Refused, SigningError, aiohttp.ClientError, TimeoutError) as exc:
        raise ConfigurationError(
            f"Dịch vụ ký số từ xa {account.url} không ký được: {exc or type(exc).__name__}. "
            "Chưa ký, không có gì thay đổi."
        ) from exc
