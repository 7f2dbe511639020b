"""The Python blocks of the README (and of ``docs/*.md``), found the way a reader sees them.

Each ```` ```python ```` fence is one block, named by its file, the heading above it and its first
line. A block a reader cannot run at all (there is none today) is marked on the line before its
fence with ``<!-- readme-test: skip: why -->``; the test then reports it as skipped, with the why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Block", "blocks_of", "documentation_files"]

ROOT = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^(?P<indent> *)```(?P<info>.*)$")
_PYTHON = {"python", "py", "python3"}
_SKIP = re.compile(r"^<!--\s*readme-test:\s*skip:\s*(?P<why>.+?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One Python block: where it is and what a reader copies."""

    path: str
    line: int
    section: str
    code: str
    skip_reason: str | None = None

    @property
    def test_id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.section.lower()).strip("-") or "top"
        return f"{self.path}:{self.line}:{slug}"


def documentation_files() -> list[Path]:
    """The README and every page under ``docs/``."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks_of(path: Path) -> list[Block]:
    """The ```` ```python ```` blocks of one Markdown file, in order."""
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    section = ""
    previous = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            start = index
            indent = len(fence.group("indent"))  # a block inside a list item is indented
            index += 1
            body: list[str] = []
            while index < len(lines) and not lines[index].strip().startswith("```"):
                body.append(
                    lines[index][indent:] if lines[index][:indent].isspace() else lines[index]
                )
                index += 1
            if index == len(lines):
                raise ValueError(f"{name}:{start + 1}: a code fence is never closed")
            if fence.group("info").strip().split(" ")[0].lower() in _PYTHON:
                skip = _SKIP.match(previous)
                blocks.append(
                    Block(
                        path=name,
                        line=start + 1,
                        section=section,
                        code="\n".join(body) + "\n",
                        skip_reason=skip.group("why") if skip else None,
                    )
                )
        elif line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.strip():
            previous = line
        index += 1
    return blocks
