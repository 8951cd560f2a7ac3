"""What the dev server answers, decided without a socket: pure functions.

``mapsite serve`` answers as the published site does on Netlify (a folder without
its trailing slash redirects, replaced and expired links answer 410 Gone, anything
else missing 404), and only to requests that name it: a web page elsewhere cannot
point a name of its own at 127.0.0.1 (DNS rebinding) and read the plans through it.
"""

from __future__ import annotations

import ipaddress
import posixpath
import urllib.parse
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

NAME_MAX = 255
"""Bytes in one file name on every common file system: a longer segment names no file."""
NOT_FOUND = "404.html"
FAVICON = "/favicon.ico"
FAVICON_TARGET = "/static/favicon.svg"
"""Browsers ask for /favicon.ico by themselves; the theme's icon is an SVG."""


@dataclass(frozen=True)
class Answer:
    """A response: its status, and the file to send or the address to redirect to."""

    status: int
    file: Path | None = None
    location: str | None = None


def route(out: Path, target: str, gone: Mapping[str, str]) -> Answer:
    """The answer to a GET of ``target`` (the request line's, still encoded) in the
    output folder ``out``.

    ``gone`` maps a link's token to the page it shows with 410 (``replaced.html``).
    """
    raw_path, _, query = target.partition("?")  # not urlsplit: '//x' is a path here
    path = urllib.parse.unquote(raw_path)
    parts = path.split("/")
    not_found = Answer(404, out / NOT_FOUND)
    if any(len(part.encode()) > NAME_MAX for part in parts):
        return not_found  # no file has such a name: the file system would refuse it
    if len(parts) > 1 and parts[1] in gone:
        return Answer(410, out / gone[parts[1]])  # the whole folder, as _redirects says
    if path == FAVICON:
        return Answer(301, location=FAVICON_TARGET)
    file = find_file(out, path)
    if file is None:
        return not_found
    if file.name == "index.html" and not path.endswith(("/", ".html")):
        # as Netlify does: /TOKEN -> /TOKEN/, so the page's relative links work
        # from the cleaned path: '//name' would send the browser to another host
        folder = urllib.parse.quote("/" + posixpath.normpath(path).lstrip("/"))
        return Answer(301, location=f"{folder}/" + (f"?{query}" if query else ""))
    return Answer(200, file)


def find_file(out: Path, path: str) -> Path | None:
    """The file a URL path names inside ``out``, or None (never anything outside it)."""
    clean = posixpath.normpath("/" + path).lstrip("/")
    try:
        target = (out / clean).resolve()
        if not target.is_relative_to(out.resolve()):
            return None  # a symbolic link out of the folder
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None
    except (OSError, ValueError):  # a name the file system refuses
        return None


def split_host(header: str) -> tuple[str, int] | None:
    """``Host: example:8000`` -> ("example", 8000); the port defaults to 80. A name is
    lower-cased without its final dot; an IPv6 address loses its brackets. None when
    the header is not a host."""
    header = header.strip()
    if header.startswith("["):
        end = header.find("]")
        if end == -1:
            return None
        host, rest = header[1:end], header[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = header.partition(":")
        if ":" in port_text:
            return None
    if not host:
        return None
    if port_text:
        if not port_text.isdigit() or len(port_text) > 5:
            return None
        port = int(port_text)
    else:
        port = 80
    return host.lower().removesuffix("."), port


def ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` writes, or None for a name (an IPv4-mapped IPv6 address,
    as a dual-stack socket reports it, is its IPv4 address)."""
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_loopback(host: str) -> bool:
    """Whether serving on ``host`` keeps the server to this computer."""
    ip = ip_of(host)
    return ip.is_loopback if ip is not None else host.lower() == "localhost"


def host_allowed(header: str | None, port: int, local: str, names: Collection[str]) -> bool:
    """Whether a request's Host header names this server: its port, and an address the
    connection reached (``local``, the socket's own address), or a loopback name on a
    loopback connection, or one of this computer's own ``names``."""
    parsed = split_host(header) if header is not None else None
    if parsed is None or parsed[1] != port:
        return False
    host, _ = parsed
    ip, reached = ip_of(host), ip_of(local)
    if ip is not None:
        return ip == reached
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
        return reached is not None and reached.is_loopback
    return host in names
