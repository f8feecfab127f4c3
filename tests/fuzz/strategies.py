"""Hypothesis strategies for what a request can carry: URLs of every shape (schemes, IPv4
and IPv6 literals bracketed, unbracketed and unclosed, ports, userinfo, percent-encoding,
Unicode, overlong parts), any text, any bytes (not UTF-8 included), repeated parameters."""

from hypothesis import strategies as st

# How many generated cases ran, per test: printed at the end of the run (conftest.py).
CASES: dict[str, int] = {}


def count(name: str) -> None:
    CASES[name] = CASES.get(name, 0) + 1


# The registry the fuzz tests work against (see test_routes.py).
REGISTERED_PREFIXES = [
    "https://app.example.org/",
    "https://app.example.org:8443/portal/",
    "https://[2001:db8::1]/",
    "http://127.0.0.1:9/",
]

SCHEMES = st.sampled_from([
    "https", "http", "HTTPS", "HtTp", "ftp", "file", "javascript", "data", "mailto", "gopher", "ws", "",
    "h\ttp", "1http", "http+unix", "é", "https:", "https:/",
])
IPV6 = st.ip_addresses(v=6).map(str)
IPV4 = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.lists(st.integers(-1, 999), min_size=1, max_size=6).map(lambda parts: ".".join(map(str, parts))),
)
HOSTS = st.one_of(
    st.sampled_from([
        "app.example.org", "APP.example.ORG", "app.example.org.", "app.example.org.evil.net", "evil.example.net",
        "other.example.org", "localhost", "testserver", "127.0.0.1", "0", "0x7f.1", "xn--nxasmq6b", "exämple.org",
        "例え.テスト", "app.example.org\\@evil.net", "", " ", "a" * 64 + ".org", "a" * 300,
        "[::1]", "[::1", "::1]", "[::1]]", "[[::1]]", "[zz]", "[v1.x]", "[v1.]", "[::ffff:127.0.0.1]",
        "[fe80::1%25eth0]", "[fe80::1%eth0]", "[2001:db8::1]", "]", "[", "[]", "[:]", "[::1]x",
    ]),
    IPV4,
    IPV6,  # unbracketed
    IPV6.map(lambda ip: f"[{ip}]"),  # bracketed
    IPV6.map(lambda ip: f"[{ip}"),  # unclosed
    IPV6.map(lambda ip: f"{ip}]"),
    st.text(max_size=20),
)
PORTS = st.one_of(
    st.none(),
    st.integers(-70000, 140000).map(str),
    st.sampled_from(["", "0", "80", "443", "8443", "65535", "65536", "99999", "x", "80a", "٣", "1e3", " 80",
                     "99999999999999999999", "-1", "+80", "0x50"]),
)
USERINFO = st.one_of(
    st.none(),
    st.sampled_from(["user@", "user:pass@", "app.example.org@", "app.example.org:443@", "@", ":@", "%40@",
                     "us%00er@", "[::1]@"]),
    st.text(max_size=10).map(lambda t: t + "@"),
)
PERCENT = st.sampled_from(["%", "%2", "%zz", "%00", "%0d%0a", "%2F", "%2f..%2f", "%25", "%ff%fe", "%c0%af",
                           "%e2%80%ae", "%u0041"])
PART_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec="ascii"), max_size=30),
    st.text(max_size=15),
    PERCENT,
    st.lists(PERCENT, max_size=4).map("".join),
    st.sampled_from(["x" * 1025, "y" * 2049, "z" * 5000]),
)
PATHS = st.one_of(st.just(""), st.just("/"), PART_TEXT.map(lambda t: "/" + t),
                  st.sampled_from(["/../..", "//evil.example.net", "/\\evil.example.net", "/%2e%2e/"]))
QUERIES = st.one_of(st.just(""), PART_TEXT.map(lambda t: "?" + t), st.just("?ticket=ST-forged"))
FRAGMENTS = st.one_of(st.just(""), PART_TEXT.map(lambda t: "#" + t))


@st.composite
def urls(draw) -> str:
    """An absolute URL assembled from fuzzed parts, a registered prefix with a fuzzed rest,
    or a relative / scheme-relative / oddly-slashed one."""
    kind = draw(st.integers(0, 9))
    if kind <= 4:
        port = draw(PORTS)
        return (f"{draw(SCHEMES)}://{draw(USERINFO) or ''}{draw(HOSTS)}{'' if port is None else ':' + port}"
                f"{draw(PATHS)}{draw(QUERIES)}{draw(FRAGMENTS)}")
    if kind <= 7:
        prefix = draw(st.sampled_from(REGISTERED_PREFIXES))
        cut = draw(st.integers(len(prefix) - 1, len(prefix)))  # with or without the final slash
        return prefix[:cut] + draw(st.one_of(PART_TEXT, PATHS, QUERIES, USERINFO.map(lambda u: u or "")))
    return draw(st.sampled_from([
        "//evil.example.net/", "///evil.example.net", "\\\\evil.example.net", "/\\evil.example.net", "https:evil",
        "https:/evil.example.net", "https:///app.example.org/", "/account/", "account/", "?next=x", "#", ".",
        "javascript:alert(1)", "data:text/html,<script>", " https://app.example.org/", "https://app.example.org/ ",
        "https://app.example.org/\x00", "https://app.example.org/\r\nSet-Cookie: a=b", "\ufeffhttps://app.example.org/",
        "https://app.example.org/\u202e", "http://[::1", "http://[::1]:99999/", "https://app.example.org:/",
    ])) + draw(st.one_of(st.just(""), PART_TEXT))


# Parameter values: URLs, text, raw bytes (any, so not UTF-8 too), overlong values.
VALUES = st.one_of(
    urls(),
    urls().map(str.encode),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from(["", "\x00", "true", "false", "0", "1", "JSON", "XML", "POST", "GET", "ST-x", "PGT-x",
                     "LR-x", "PASSWORD", "PASSWORD_SMS", "MEDIUM", "fr", "SERVICE,PROXY", "*", "🔑" * 300,
                     "x" * 10_000]),
)
# Every parameter name a route of ours reads, and a few it does not.
PARAMETER_NAMES = [
    "service", "url", "pgtUrl", "targetService", "next", "TARGET", "ticket", "pgt", "renew", "gateway", "warn",
    "method", "format", "locale", "acceptStrengths", "authenticationLevel", "assuranceLevel", "ticketTypes",
    "userDetails", "groups", "loginRequestId", "resume", "email", "password", "remember_me", "code", "phone",
    "label", "device", "action", "cancel", "language", "preferred_language", "preferred_method", "first_name",
    "last_name", "old_password", "new_password1", "new_password2", "password1", "password2", "MessageSid",
    "MessageStatus", "ErrorCode", "change", "sms-phone",
]
NAMES = st.one_of(st.sampled_from(PARAMETER_NAMES), st.text(max_size=8))
# A request's parameters: pairs, so one name may come more than once.
PARAMETERS = st.lists(st.tuples(NAMES, VALUES), max_size=5)
