"""Keys of the signers in the tests: a test CA made per run, SoftHSM2 tokens under the run's own token
directory (``SOFTHSM2_CONF``), and the local CSC v2 service (tests/csc_service.py)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.csc_service import CscState, new_state, running
from thidua_workflow.certificates.demo_ca import DemoCA, new_ca
from thidua_workflow.certificates.tokens import TokenConfig, create_soft_token, softhsm_conf, softhsm_module

PIN = "135790"
SIGNER_NAME = "Trần Thị Thử"  # pct.ubnd in the example organisation


@dataclass(frozen=True)
class OwnToken:
    config: TokenConfig
    pin: str
    ca: DemoCA


@dataclass(frozen=True)
class RemoteService:
    url: str
    state: CscState
    ca: DemoCA


@pytest.fixture(scope="session")
def test_ca() -> DemoCA:
    return new_ca()


@pytest.fixture(scope="session")
def softhsm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's (and worker's) own SoftHSM2 token directory."""
    if softhsm_module() is None:
        pytest.fail("softhsm2 is not installed: apt-get install softhsm2 (make tools, .ci/run)")
    directory = tmp_path_factory.mktemp("softhsm")
    os.environ["SOFTHSM2_CONF"] = str(softhsm_conf(directory))
    return directory


def make_token(directory: Path, ca: DemoCA, name: str = SIGNER_NAME) -> OwnToken:
    issued = ca.issue(name, organization="UBND tỉnh Quảng Bình")
    token = create_soft_token(
        directory,
        label=f"token-{uuid.uuid4().hex[:8]}",
        pin=PIN,
        key_pkcs8_der=issued.key_pkcs8_der,
        chain_der=[issued.cert_der, ca.cert_der],
        key_label="chu-ky-so",
    )
    return OwnToken(token.config, PIN, ca)


@pytest.fixture
def own_token(softhsm_dir: Path, test_ca: DemoCA) -> OwnToken:
    """A new token holding a key of the test CA for Trần Thị Thử (pct.ubnd)."""
    return make_token(softhsm_dir, test_ca)


@pytest.fixture
def remote_service(test_ca: DemoCA) -> Iterator[RemoteService]:
    state = new_state(test_ca, SIGNER_NAME)
    with running(state) as url:
        yield RemoteService(url, state, test_ca)
