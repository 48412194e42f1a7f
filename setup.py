"""Build step that ships the knowledge: graph/ (the source of truth, kept at the top of the
repository) is copied into the built package as ccs_assist/_graph, so a wheel or a regular
`pip install .` answers from any working directory. Everything else is in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup  # type: ignore[import-untyped]
from setuptools.command.build_py import build_py  # type: ignore[import-untyped]

GRAPH = Path(__file__).resolve().parent / "graph"
SHIPPED = ("*.yaml", "*.yml", "*.md")  # node files, intents, letters/ and their READMEs


class BuildPyWithGraph(build_py):
    """build_py, plus graph/ (with subfolders such as letters/) as ccs_assist/_graph."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "ccs_assist" / "_graph"
        if target.exists():
            shutil.rmtree(target)
        for pattern in SHIPPED:
            for path in GRAPH.rglob(pattern):
                if path.is_file():
                    copy = target / path.relative_to(GRAPH)
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, copy)


setup(cmdclass={"build_py": BuildPyWithGraph})
