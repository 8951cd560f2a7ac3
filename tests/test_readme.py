"""What README.md states about mapsite, checked against mapsite itself: the number of
lint rules, the commands and their options, the settings, the set-up commands, the
built-in themes, the modules it names and the files it links to. A claim that stops
being true fails here, not in a new user's first hour."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import yaml
from support import REPO

from mapsite import lint
from mapsite.brand import Brand
from mapsite.cli import main
from mapsite.config import SiteConfig
from mapsite.model import LintSettings
from mapsite.themes import BUILTIN_THEMES

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of README's ``## title`` section."""
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S)
    assert found, f"README has no section '{title}'"
    return found.group(1)


def commands() -> dict[str, click.Command]:
    return {name: cmd for name, cmd in main.commands.items() if not cmd.hidden}


def options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}


# --- lint rules -----------------------------------------------------------------------


def test_the_number_of_lint_rules(run) -> None:
    claimed = re.search(r"`mapsite check --rules` lists all (\d+)", README)
    assert claimed, "README no longer says how many rules 'check --rules' lists"
    listed = run("check", "--rules").stdout.splitlines()
    assert int(claimed.group(1)) == len(lint.RULES) == len(listed)


def test_the_rule_codes_readme_uses_exist() -> None:
    known = {rule.code for rule in lint.RULES}
    used = set(re.findall(r"\bMAP\d{3}\b", README))
    assert used
    assert used <= known, used - known


# --- commands -------------------------------------------------------------------------


TABLE_ROW = re.compile(r"^\| `mapsite (\w+)([^`]*)` \| (.+) \|$", re.M)


def table() -> dict[str, str]:
    """Command -> what the Commands table writes after its name."""
    return {name: usage for name, usage, _ in TABLE_ROW.findall(section("Commands"))}


def test_the_commands_table_lists_every_command() -> None:
    assert sorted(table()) == sorted(commands())


@pytest.mark.parametrize("name", sorted(table()))
def test_the_options_in_the_commands_table_exist(name: str) -> None:
    usage = table()[name]
    command = commands()[name]
    for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", usage):
        assert option in options(command), f"mapsite {name} has no {option}"
    for option, choices in re.findall(r"(--[\w-]+) ([\w\\|]+)\]", usage):
        param = next(p for p in command.params if option in p.opts)
        if isinstance(param.type, click.Choice):  # --since DATE|7d|2w: examples, not choices
            assert choices.split("\\|") == list(param.type.choices), f"mapsite {name} {option}"


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help(run, name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: mapsite {name}")


def test_the_commands_that_take_today() -> None:
    text = " ".join(section("Commands").split())
    claimed = re.search(r"All commands but (`\w+`(?:(?:, | and )`\w+`)*) take `--today", text)
    assert claimed, "README no longer says which commands take --today"
    without = set(re.findall(r"`(\w+)`", claimed.group(1)))
    taking = {name for name, command in commands().items() if "--today" in options(command)}
    assert taking == set(commands()) - without


def test_the_dev_server_address(run) -> None:
    from mapsite.serve import DEFAULT_PORT

    serve = commands()["serve"]
    defaults = {p.name: p.default for p in serve.params}
    assert f"http://{defaults['host']}:{DEFAULT_PORT} (or the next free port)" in README


# --- settings -------------------------------------------------------------------------


def settings_block() -> str:
    found = re.search(r"```yaml\n(.*?)```", section("Site settings"), flags=re.S)
    assert found
    return found.group(1)


def test_the_settings_block_names_every_setting() -> None:
    block = settings_block()
    named = set(re.findall(r"^#? ?(\w+):", block, flags=re.M))
    assert named == set(SiteConfig.model_fields)


def test_the_settings_block_is_valid_settings() -> None:
    """As written, and with its commented settings switched on."""
    block = settings_block()
    uncommented = re.sub(r"^# (\w+:)", r"\1", block, flags=re.M)
    for text in (block, uncommented):
        config = SiteConfig.model_validate(yaml.safe_load(text))
        assert config.brand.model_dump(exclude_defaults=True)
    data = yaml.safe_load(uncommented)
    assert set(data["brand"]) <= set(Brand.model_fields)
    assert set(data["lint"]) <= set(LintSettings.model_fields)


# --- set-up, themes, code, links -------------------------------------------------------


def test_the_two_set_up_commands_are_make_targets() -> None:
    block = re.search(r"```sh\n(.*?)```", section("Set up"), flags=re.S)
    assert block
    claimed = re.findall(r"^make (\w+)", block.group(1), flags=re.M)
    assert claimed == ["site", "test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in claimed:
        assert re.search(rf"^{target}:", makefile, flags=re.M), f"no make {target}"
    assert "`.ci/run` runs `make test`" in section("Set up")
    assert (REPO / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("make test")


def test_the_built_in_themes() -> None:
    text = section("Themes")
    count = {"Two": 2, "Three": 3, "Four": 4}
    claimed = re.search(r"(\w+) are\s+built in, (`\w+`(?:(?:, | and )`\w+`)*)", text)
    assert claimed
    names = re.findall(r"`(\w+)`", claimed.group(2))
    builtin = sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / "theme.yml").is_file())
    assert sorted(names) == builtin
    assert count[claimed.group(1)] == len(builtin)
    assert "`themes/contoso/`" in text
    assert "extends: default" in (REPO / "themes" / "contoso" / "theme.yml").read_text()


def test_the_modules_readme_names_exist() -> None:
    named = set(re.findall(r"`(\w+)\.py`", section("Layout of the code")))
    assert len(named) >= 10
    missing = {name for name in named if not (REPO / "mapsite" / f"{name}.py").is_file()}
    assert not missing


def test_the_files_readme_links_to_exist() -> None:
    links = re.findall(r"\]\(([^)#:]+)\)", README)
    assert links
    assert [link for link in links if not (REPO / link).exists()] == []
    assert (REPO / "mapsite" / "themes" / "default").is_dir()


def test_init_writes_what_readme_says(tmp_path: Path, run, monkeypatch) -> None:
    claimed = re.search(r"`mapsite init my-plans` writes (.*?)\.(?: |$)", " ".join(README.split()))
    assert claimed
    names = re.findall(r"`([\w./]+)`", claimed.group(1))
    assert names == [
        "mapsite.yml", "playbooks/", "plans/", "assets/", "themes/", "netlify.toml",
        ".github/workflows/mapsite.yml",
    ]  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert run("init", "my-plans").exit_code == 0
    for name in names:
        assert (tmp_path / "my-plans" / name).exists(), name
    assert list((tmp_path / "my-plans" / "plans").glob("*.md")), "no example plan"
