"""The privacy documents stay true: every test they cite exists, and the Children's Code map covers
all 15 standards."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "docs" / "dpia.md", ROOT / "docs" / "childrens-code.md"]
CITED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_cited_test_exists(doc: Path) -> None:
    cited = CITED.findall(doc.read_text(encoding="utf-8"))
    assert cited, f"{doc.name} cites no tests"
    for file, name in cited:
        assert (ROOT / file).is_file(), f"{doc.name} cites {file}, which does not exist"
        assert name in _tests_in(ROOT / file), f"{doc.name} cites {file}::{name}, which does not exist"


def test_the_childrens_code_map_has_all_15_standards_in_order() -> None:
    text = (ROOT / "docs" / "childrens-code.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d+)\. ", text, re.M)
    assert headings == [str(n) for n in range(1, 16)]
