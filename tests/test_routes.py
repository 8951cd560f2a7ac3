"""What the dev server answers (mapsite/routes.py), decided on a real output folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapsite.routes import Answer, host_allowed, ip_of, is_loopback, route, split_host

TOKEN = "Abcdefghijklmnopqrstuv"
GONE = {"Oldlinkxxxxxxxxxxxxxxx": "replaced.html", "Expiredxxxxxxxxxxxxxxx": "expired.html"}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / TOKEN / "people").mkdir(parents=True)
    (out / "static").mkdir()
    for name in ("index.html", "404.html", "replaced.html", "expired.html", "static/a.css"):
        (out / name).write_text(name, encoding="utf-8")
    (out / TOKEN / "index.html").write_text("plan", encoding="utf-8")
    (out / TOKEN / "plan.ics").write_text("ics", encoding="utf-8")
    (out / "Expiredxxxxxxxxxxxxxxx").mkdir()
    (out / "Expiredxxxxxxxxxxxxxxx" / "index.html").write_text("expired", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("target", "status", "file"),
    [
        ("/", 200, "index.html"),
        (f"/{TOKEN}/", 200, f"{TOKEN}/index.html"),
        (f"/{TOKEN}/index.html", 200, f"{TOKEN}/index.html"),
        (f"/{TOKEN}/plan.ics?x=1", 200, f"{TOKEN}/plan.ics"),
        ("/static/a.css", 200, "static/a.css"),
        ("/static/%61.css", 200, "static/a.css"),
        ("/nothing", 404, "404.html"),
        (f"/{TOKEN}/people/", 404, "404.html"),
        ("/" + "a" * 256, 404, "404.html"),
        ("/" + "%C3%A9" * 128, 404, "404.html"),  # 256 bytes: é is two
        ("/" + "a" * 8000 + "/x", 404, "404.html"),
        ("/../secret.txt", 404, "404.html"),
        ("/static/..%2f..%2fsecret.txt", 404, "404.html"),
        ("/%2e%2e/secret.txt", 404, "404.html"),
        ("/..%5csecret.txt", 404, "404.html"),
        ("/%00", 404, "404.html"),
        ("http://host/", 404, "404.html"),
        ("/Oldlinkxxxxxxxxxxxxxxx/", 410, "replaced.html"),
        ("/Oldlinkxxxxxxxxxxxxxxx", 410, "replaced.html"),
        ("/Oldlinkxxxxxxxxxxxxxxx/a/b/c.css", 410, "replaced.html"),
        ("/Expiredxxxxxxxxxxxxxxx/", 410, "expired.html"),
        ("/Expiredxxxxxxxxxxxxxxx/plan.ics", 410, "expired.html"),
    ],
)
def test_each_path_gets_the_answer_the_published_site_gives(
    out: Path, target: str, status: int, file: str
) -> None:
    assert route(out, target, GONE) == Answer(status, out / file)


def test_a_name_of_255_bytes_is_looked_up(out: Path) -> None:
    (out / ("a" * 255)).write_text("long", encoding="utf-8")
    assert route(out, "/" + "a" * 255, GONE) == Answer(200, out / ("a" * 255))


@pytest.mark.parametrize(
    ("target", "location"),
    [
        (f"/{TOKEN}", f"/{TOKEN}/"),
        (f"/{TOKEN}?utm=mail", f"/{TOKEN}/?utm=mail"),
        (f"//{TOKEN}", f"/{TOKEN}/"),  # never '//TOKEN/': a browser reads a host there
        ("/favicon.ico", "/static/favicon.svg"),
    ],
)
def test_a_folder_without_its_slash_redirects(out: Path, target: str, location: str) -> None:
    assert route(out, target, GONE) == Answer(301, location=location)


def test_a_redirect_is_an_address_again(out: Path) -> None:
    (out / "a b?").mkdir()
    (out / "a b?" / "index.html").write_text("x", encoding="utf-8")
    assert route(out, "/a%20b%3F", GONE) == Answer(301, location="/a%20b%3F/")


def test_a_link_out_of_the_folder_is_not_followed(out: Path) -> None:
    (out / "static" / "escape.txt").symlink_to(out.parent / "secret.txt")
    assert route(out, "/static/escape.txt", GONE) == Answer(404, out / "404.html")


@pytest.mark.parametrize(
    ("header", "parsed"),
    [
        ("localhost:8000", ("localhost", 8000)),
        ("LocalHost.:8000", ("localhost", 8000)),
        ("127.0.0.1", ("127.0.0.1", 80)),
        (" 127.0.0.1:80 ", ("127.0.0.1", 80)),
        ("[::1]:8000", ("::1", 8000)),
        ("[::1]", ("::1", 80)),
        ("host:65535", ("host", 65535)),
        ("host:99999", ("host", 99999)),
        ("[::1", None),
        ("[::1]x", None),
        ("[::1]:", ("::1", 80)),
        ("::1:8000", None),
        ("host:80a", None),
        ("host:123456", None),
        ("host:-1", None),
        (":8000", None),
        ("", None),
        ("[]:8000", None),
    ],
)
def test_a_host_header_is_read_as_browsers_write_it(
    header: str, parsed: tuple[str, int] | None
) -> None:
    assert split_host(header) == parsed


def test_addresses_and_names() -> None:
    assert str(ip_of("::ffff:192.168.1.5")) == "192.168.1.5"
    assert str(ip_of("fe80::1%eth0")) == "fe80::1"
    assert str(ip_of("::1")) == "::1"
    assert ip_of("localhost") is None
    assert ip_of("10.0.0.300") is None
    for host in ("127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST", "::ffff:127.0.0.1"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.5", "mylaptop", "localhost.example", ""):
        assert not is_loopback(host), host


NAMES = frozenset({"mylaptop", "mylaptop.local"})


@pytest.mark.parametrize(
    ("header", "local", "allowed"),
    [
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("localhost:8000", "127.0.0.1", True),
        ("app.localhost:8000", "127.0.0.1", True),
        ("localhost:8000", "::1", True),
        ("[::1]:8000", "::1", True),
        ("192.168.1.5:8000", "::ffff:192.168.1.5", True),
        ("mylaptop.local:8000", "192.168.1.5", True),
        ("MyLaptop:8000", "127.0.0.1", True),
        # a name pointed at this computer by someone else's DNS (rebinding)
        ("evil.example:8000", "127.0.0.1", False),
        ("localhost.evil.example:8000", "127.0.0.1", False),
        ("mylaptop.evil.example:8000", "127.0.0.1", False),
        # the right name, the wrong port: another server on this computer
        ("127.0.0.1:8001", "127.0.0.1", False),
        ("localhost", "127.0.0.1", False),
        # an address this connection did not reach
        ("127.0.0.1:8000", "192.168.1.5", False),
        ("[::1]:8000", "127.0.0.1", False),
        ("10.0.0.9:8000", "192.168.1.5", False),
        # localhost only means this computer on a loopback connection
        ("localhost:8000", "192.168.1.5", False),
        ("", "127.0.0.1", False),
        (None, "127.0.0.1", False),
    ],
)
def test_only_requests_for_this_server_are_answered(
    header: str | None, local: str, allowed: bool
) -> None:
    assert host_allowed(header, 8000, local, NAMES) is allowed


def test_port_80_may_go_unwritten() -> None:
    assert host_allowed("localhost", 80, "127.0.0.1", NAMES)
    assert not host_allowed("localhost:8000", 80, "127.0.0.1", NAMES)


def test_the_builder_survives_any_exception(
    site: Path, write_plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault of mapsite's own (here: any exception from a build) is shown like an
    error, and the next change builds again."""
    from datetime import date

    from mapsite import serve

    write_plan("northwind")
    logged: list[str] = []
    dev = serve.DevSite(site, lambda: date(2026, 11, 26), logged.append)
    dev.first_build()
    assert dev.errors == [] and dev.out is not None

    def broken() -> bool:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(dev, "full_build", broken)
    dev.rebuild({site / "mapsite.yml"})
    [problem] = dev.errors
    assert (problem.message, problem.hint) == (
        "mapsite failed: RuntimeError: disk on fire",
        "the server keeps running; save a file to try again, and please report this",
    )
    assert "Traceback" in logged[-2]  # the terminal gets it in full, for a bug report

    monkeypatch.undo()
    dev.rebuild({site / "mapsite.yml"})
    assert dev.errors == []
    dev.close()
