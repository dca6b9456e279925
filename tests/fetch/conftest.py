from __future__ import annotations

import dataclasses
from typing import Callable, Iterator

import pytest

from pipeline.fetch.http import HttpClient
from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.politeness import HostGate
from pipeline.fetch.robots import RobotsCache
from tests.fetch.hostile_server import HostileServer

LOOPBACK = ("127.0.0.1/32",)

# Small numbers keep the suite fast; the shape of each rule is what is tested.
FAST = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=0.4,
    deadline=1.0,
    backoff_base=0.01,
    per_host_delay=0.0,
    allow_networks=LOOPBACK,
    obey_robots=False,
    max_bytes={"page": 1024 * 1024, "feed": 2 * 1024 * 1024, "robots": 64 * 1024},
)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as srv:
        yield srv


@pytest.fixture
def make_client() -> Iterator[Callable[..., HttpClient]]:
    """Build clients with their own gate and robots cache (tests all hit 127.0.0.1)."""
    clients: list[HttpClient] = []

    def make(policy: FetchPolicy = FAST, **changes) -> HttpClient:
        policy = dataclasses.replace(policy, **changes)
        client = HttpClient(policy, gate=HostGate.for_policy(policy), robots=RobotsCache(policy.robots_cache_ttl))
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def client(make_client) -> HttpClient:
    return make_client()


@pytest.fixture(scope="session")
def self_signed_context():
    """A server TLS context with a throwaway self-signed certificate for 127.0.0.1."""
    import datetime
    import ipaddress
    import ssl
    import tempfile
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    with tempfile.TemporaryDirectory() as tmp:
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_path, key_path)
    return ctx


@pytest.fixture
def tls_server(self_signed_context) -> Iterator[HostileServer]:
    with HostileServer(tls=self_signed_context) as srv:
        yield srv
