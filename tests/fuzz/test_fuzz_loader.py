"""The loader under random and mutated input: a document or located problems, nothing else.

Every file, however broken, either loads or raises ``Invalid`` whose problems each name
the file and a line inside it. Any other exception is a bug; its smallest example
becomes a regular test (tests/errors/ where it fits).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fuzz_support import KEYS, PLAN_BYTES, PLAN_TEXTS, YAML_VALUES, dump, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from mapsite import yamlmarks
from mapsite.config import load_config
from mapsite.errors import MapsiteError
from mapsite.load import Document, Invalid, load_plan


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    # one folder for all examples (Hypothesis reruns a test without its fixtures)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "plans").mkdir()
        yield Path(tmp)


def assert_loads_or_is_located(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        doc = load_plan(path)
    except Invalid as exc:
        assert exc.problems, "Invalid without a problem"
        lines = data.count(b"\n") + data.count(b"\r") + 2
        for problem in exc.problems:
            assert problem.file == str(path)
            assert 1 <= problem.line <= lines, problem
            assert problem.column >= 1, problem
            assert problem.message, problem
        str(MapsiteError(exc.problems))  # the CLI prints them
    else:
        assert isinstance(doc, Document)


@fuzz_settings(300)
@given(PLAN_BYTES)
def test_any_bytes_load_or_fail_located(folder: Path, data: bytes) -> None:
    assert_loads_or_is_located(folder / "plans" / "fuzzed.md", data)


@fuzz_settings(300)
@given(PLAN_TEXTS)
def test_mutated_plans_load_or_fail_located(folder: Path, text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    assert_loads_or_is_located(folder / "plans" / "fuzzed.md", data)


@fuzz_settings(150)
@given(YAML_VALUES | st.dictionaries(KEYS, YAML_VALUES, max_size=6))
def test_any_settings_load_or_fail_located(folder: Path, value: object) -> None:
    (folder / "mapsite.yml").write_text(dump(value), "utf-8")
    try:
        load_config(folder)
    except Invalid as exc:
        assert exc.problems
        assert all(p.file.endswith("mapsite.yml") and p.line >= 1 for p in exc.problems)


@fuzz_settings(150)
@given(YAML_VALUES)
def test_values_read_as_pyyaml_reads_them(value: object) -> None:
    text = dump({"v": value})
    try:
        marked = yamlmarks.parse(text)
    except yamlmarks.ForbiddenCharacter:
        return  # safe_dump writes some characters as they are, which YAML's reader refuses
    assert not marked.problems
    assert repr(marked.data) == repr(yaml.safe_load(text))  # repr: NaN is not NaN
