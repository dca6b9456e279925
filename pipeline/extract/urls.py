"""Canonical article URLs and stable article ids.

One article reached by tracking links, its AMP page, http or https, with or
without `www.` must get one id. The canonical form therefore:
  - uses https, unless the URL names a non-default port (then the scheme and
    port are kept: `http://host:8080/` is a different server);
  - lower-cases the host, drops a leading `www.` and `amp.`, drops default ports
    and any user:password;
  - resolves `.`/`..` path segments, drops the fragment;
  - removes tracking parameters (courlan's tracker list plus the common click
    ids below) and AMP markers (`/amp/` segment, `.amp` suffix, `?amp=1`,
    `?outputType=amp`), and sorts the remaining query (courlan.normalize_url).
Dropping `www.` is a choice: nearly every news site serves the same article
on both and redirects one to the other; the canonical URL stays clickable.

Rel=canonical is trusted only on the fetched URL's registered domain
(`choose_canonical`): otherwise any syndicator could point its copy at an
article of another site and take over that article's id — or a page could
claim a competitor's id to overwrite it downstream.
"""

from __future__ import annotations

import hashlib
import ipaddress
import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from courlan import extract_domain, normalize_url

_EXTRA_TRACKERS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid", "igsh",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "ocid", "cmpid", "smid", "smtyp",
        "ito", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "sr_share",
        "__twitter_impression", "mbid", "rss", "cid_rss", "spm", "share", "utm",
    }
)
_AMP_PARAMS = frozenset({"amp", "amp_js_v", "usqp", "amp_gsa", "_amp"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SUFFIX_RE = re.compile(r"\.amp(?=(\.html?)?$)", re.I)


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _EXTRA_TRACKERS or low.startswith(("utm_", "utm-", "pk_", "mtm_", "hsa_"))


def _is_amp_param(name: str, value: str) -> bool:
    low = name.lower()
    return low in _AMP_PARAMS or (low == "outputtype" and value.lower() == "amp")


def _strip_amp_path(path: str) -> str:
    segments = path.split("/")
    kept = [s for s in segments if s.lower() != "amp"]
    if len(kept) != len(segments) and (not kept or kept[-1] != ""):
        # "/story/amp/" -> "/story/", "/amp/story" -> "/story"
        if path.endswith("/"):
            kept.append("")
    path = "/".join(kept) or "/"
    path = _AMP_SUFFIX_RE.sub("", path)
    return path if path.startswith("/") else "/" + path


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    normed = posixpath.normpath(path)
    if normed.startswith("//"):  # posixpath keeps a leading "//"
        normed = "/" + normed.lstrip("/")
    if path.endswith("/") and not normed.endswith("/"):
        normed += "/"
    return normed


def canonicalize_url(url: str) -> str:
    """The canonical form of an http(s) URL (see module docstring).

    Raises ValueError for anything that is not an absolute http(s) URL.
    Idempotent: canonicalize_url(canonicalize_url(u)) == canonicalize_url(u).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url[:200]!r}")
    host = parts.hostname.lower().rstrip(".")
    for prefix in ("www.", "amp."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
    try:
        port = parts.port
    except ValueError as err:
        raise ValueError(f"bad port in URL: {url[:200]!r}") from err
    if port is None or port == _DEFAULT_PORTS[scheme]:
        scheme, netloc = "https", host
    else:
        netloc = f"{host}:{port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" + netloc[len(host):]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k) and not _is_amp_param(k, v)
    ]
    path = _normalise_path(_strip_amp_path(parts.path))
    rebuilt = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    # courlan: percent-encoding, courlan's tracker list, sorted query. Handed a parsed URL:
    # given a string, courlan HTML-unescapes it, and "&section=2" would become "§ion=2".
    normalised = normalize_url(urlsplit(rebuilt), strict=False)
    return urlunsplit(urlsplit(normalised)._replace(fragment=""))


def article_id(canonical_url: str) -> str:
    """Stable id of an article: the first 32 hex digits of sha256(canonical URL)."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:32]


def registered_domain(url: str) -> str | None:
    """The site a URL belongs to: its registrable domain (eTLD+1, e.g. bbc.co.uk);
    for an IP address or a single-label host, host and port, since nothing
    else tells two sites on one address apart."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return None
    if _is_ip_literal(host) or "." not in host:
        return parts.netloc.lower().rsplit("@", 1)[-1]
    domain = extract_domain(url)
    return domain.lower() if domain else host


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def choose_canonical(fetched_url: str, page_canonical: str | None) -> str:
    """The canonical URL of a fetched page.

    Uses the page's rel=canonical (made absolute against the fetched URL) only when
    it is on the same registered domain as the fetched URL and is not the site's
    home page for an article deeper in the site (a common template bug that would
    give every article one id); otherwise the fetched URL. Both are canonicalised.
    """
    fetched = canonicalize_url(fetched_url)
    if not page_canonical or not page_canonical.strip():
        return fetched
    try:
        candidate = canonicalize_url(urljoin(fetched_url, page_canonical.strip()))
    except ValueError:
        return fetched
    if registered_domain(candidate) != registered_domain(fetched):
        return fetched
    if urlsplit(candidate).path in ("", "/") and urlsplit(fetched).path not in ("", "/"):
        return fetched
    return candidate
