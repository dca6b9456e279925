"""The SSRF checks as pure functions: every spelling of a blocked address is refused."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline.fetch.policy import FetchPolicy
from pipeline.fetch.ssrf import (
    blocked_name_reason,
    blocked_reason,
    check_resolved,
    check_url,
    is_blocked_address,
    parse_host_address,
)
from pipeline.records import StageError
from tests.fetch.strategies import spelling

DEFAULT = FetchPolicy()

# Written out from the IANA special-purpose registries, independently of ssrf.py.
BLOCKED_V4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
]  # fmt: skip
SPECIAL_V4 = [ipaddress.ip_network(n) for n in BLOCKED_V4 + ["192.88.99.0/24"]]
BLOCKED_V4_NETS = [ipaddress.ip_network(n) for n in BLOCKED_V4]


def error_type(fn, *args) -> str | None:
    try:
        fn(*args)
    except StageError as err:
        return err.error_type
    return None


# ------------------------------------------------------------------ spellings


@st.composite
def blocked_v4(draw) -> int:
    net = draw(st.sampled_from(BLOCKED_V4_NETS))
    return int(net.network_address) + draw(st.integers(0, net.num_addresses - 1))


# First octets whose whole /8 is ordinary unicast (no special-purpose block inside).
GLOBAL_FIRST_OCTETS = [o for o in range(1, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203)]


@st.composite
def global_v4(draw) -> int:
    n = (draw(st.sampled_from(GLOBAL_FIRST_OCTETS)) << 24) | draw(st.integers(0, 2**24 - 1))
    assume(not any(ipaddress.IPv4Address(n) in net for net in SPECIAL_V4))
    return n


@given(st.data(), blocked_v4())
def test_any_spelling_of_a_blocked_ipv4_is_refused(data, n):
    text = data.draw(spelling(n))
    assert parse_host_address(text) == ipaddress.IPv4Address(n)
    assert error_type(check_url, f"http://{text}/", DEFAULT) == "blocked_address"
    mapped = f"[::ffff:{ipaddress.IPv4Address(n)}]"
    assert error_type(check_url, f"https://{mapped}/", DEFAULT) == "blocked_address"


@given(st.data(), st.integers(0, 2**32 - 1))
def test_spellings_agree_with_the_os_resolver(data, n):
    text = data.draw(spelling(n))
    assert parse_host_address(text) == ipaddress.IPv4Address(socket.inet_aton(text))


@given(st.data(), global_v4())
def test_global_ipv4_passes_in_any_spelling(data, n):
    text = data.draw(spelling(n))
    assert not is_blocked_address(ipaddress.IPv4Address(n))
    target = check_url(f"http://{text}/a", DEFAULT)
    assert target.address == ipaddress.IPv4Address(n)


@given(blocked_v4())
def test_allowed_network_opens_only_itself(n):
    ip = ipaddress.IPv4Address(n)
    own = str(ipaddress.ip_network(ip))
    assert blocked_reason(ip, (own,)) is None
    neighbour = ipaddress.IPv4Address(n ^ 1)
    assert blocked_reason(neighbour, (own,)) is not None


@settings(max_examples=60)
@given(st.sampled_from(["fc00::/7", "fe80::/10", "ff00::/8", "2001::/32", "::ffff:0:0/96"]), st.integers(0, 2**64))
def test_blocked_ipv6_ranges(net_text, offset):
    net = ipaddress.ip_network(net_text)
    ip = net.network_address + (offset % net.num_addresses)
    assert is_blocked_address(ip)
    assert error_type(check_url, f"http://[{ip}]/", DEFAULT) == "blocked_address"


@given(st.sampled_from(["2400::/12", "2600::/12", "2a00::/12", "2c00::/12"]), st.integers(0, 2**100))
def test_global_ipv6_passes(net_text, offset):
    net = ipaddress.ip_network(net_text)
    assert not is_blocked_address(net.network_address + (offset % net.num_addresses))


@given(blocked_v4())
def test_nat64_and_6to4_judged_by_embedded_ipv4(n):
    nat64 = ipaddress.IPv6Address((0x64FF9B << 96) | n)
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (n << 80))
    assert is_blocked_address(nat64) and is_blocked_address(sixtofour)


def test_nat64_and_6to4_of_a_public_address_pass():
    assert not is_blocked_address("64:ff9b::808:808")
    assert not is_blocked_address("2002:808:808::1")


# ------------------------------------------------------------------ named cases


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "2130706433", "0177.0.0.1", "127.1", "0x7f.1", "0x7f000001", "[::ffff:127.0.0.1]",
     "[::1]", "169.254.169.254", "0251.0376.0251.0376", "[fe80::1%25eth0]", "10.1", "0", "[::]",
     "100.64.0.1", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::]"],
)  # fmt: skip
def test_odd_spellings_of_internal_addresses_are_refused(host):
    with pytest.raises(StageError) as info:
        check_url(f"http://{host}/latest/meta-data/", DEFAULT)
    assert info.value.error_type == "blocked_address"
    assert "--allow-hosts" in info.value.message


@pytest.mark.parametrize(
    "host", ["metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata", "db.prod.internal", "printer.local"]
)
def test_metadata_and_private_names_refused_by_name(host):
    assert blocked_name_reason(host) is not None
    assert error_type(check_url, f"http://{host}/", DEFAULT) == "blocked_address"


def test_public_names_are_not_refused_by_name():
    assert blocked_name_reason("news.example.com") is None
    assert blocked_name_reason("internal.example.com") is None


def test_metadata_message_names_the_address_and_the_way_out():
    with pytest.raises(StageError) as info:
        check_url("http://169.254.169.254/computeMetadata/v1/", DEFAULT)
    msg = info.value.message
    assert "169.254.169.254" in msg and "metadata" in msg and "--allow-hosts 169.254.169.254/32" in msg


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("data:text/html,hi", "bad_scheme"),
        ("gopher://example.com/", "bad_scheme"),
        ("//example.com/a", "bad_url"),
        ("example.com/a", "bad_url"),
        ("http://user@127.0.0.1/", "bad_url"),
        ("http://user:pw@example.com/", "bad_url"),
        ("http://example.com\\@127.0.0.1/", "bad_url"),
        ("http://exa mple.com/", "bad_url"),
        ("http://example.com/\x00", "bad_url"),
        ("http:///nohost", "bad_url"),
        ("", "bad_url"),
        ("https://example.com/" + "a" * 1100, "url_too_long"),
        ("http://8.8.8.8:8080/", "blocked_port"),
        ("http://example.com:22/", "blocked_port"),
        ("https://example.com:8443/", "blocked_port"),
    ],
)
def test_bad_urls(url, code):
    assert error_type(check_url, url, DEFAULT) == code


def test_good_url_is_normalised_and_split():
    t = check_url("HTTPS://News.Example.COM/a/../b?x=1#frag", DEFAULT)
    assert (t.url, t.scheme, t.host, t.port, t.address) == (
        "https://news.example.com/b?x=1", "https", "news.example.com", 443, None,
    )  # fmt: skip
    assert t.origin == "https://news.example.com"


def test_odd_port_allowed_only_inside_an_allowed_network():
    policy = FetchPolicy(allow_networks=("127.0.0.1/32",))
    assert check_url("http://127.0.0.1:8080/", policy).port == 8080
    assert error_type(check_url, "http://8.8.8.8:8080/", policy) == "blocked_port"
    # A name cannot be judged before DNS: the resolved check decides.
    assert check_url("http://demo.test:8080/", policy).port == 8080
    assert error_type(check_resolved, "demo.test", 8080, ["127.0.0.1"], policy) is None
    assert error_type(check_resolved, "demo.test", 8080, ["8.8.8.8"], policy) == "blocked_port"


def test_resolved_addresses_refused_if_any_is_blocked():
    # A rebinding resolver may mix a public answer with a private one.
    assert error_type(check_resolved, "news.example.com", 443, ["93.184.216.34", "10.0.0.5"], DEFAULT) == (
        "blocked_address"
    )
    assert error_type(check_resolved, "news.example.com", 443, ["fd00::1"], DEFAULT) == "blocked_address"
    assert error_type(check_resolved, "news.example.com", 443, [], DEFAULT) == "dns_error"
    ips = check_resolved("news.example.com", 443, ["93.184.216.34", "2606:2800:220:1::"], DEFAULT)
    assert [str(i) for i in ips] == ["93.184.216.34", "2606:2800:220:1::"]


def test_policy_rejects_bad_allow_list_early():
    with pytest.raises(ValueError):
        FetchPolicy(allow_networks=("not-a-network",))
