"""The README's examples still work: every `ccs-assist` command it shows uses options the
command has, the quick ones run, the letter example prints exactly what the README shows, and
the Python example runs. Documentation that drifts from the code fails here."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
GRAPH = ROOT / "graph"
# Commands that run here in a second or two; the rest (chat, serve, the whole transcript run)
# are only checked against their --help.
RUN = ("ask", "batch", "check", "graph", "letter")
RUN_SUBS = [[name] for name in RUN]


def code_blocks(text: str) -> list[str]:
    """Fenced blocks and four-space indented blocks, as plain text."""
    fenced = re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)
    outside = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    indented = re.findall(r"(?:^(?: {4}.*|)\n)+", outside, re.M)
    return [*fenced, *("\n".join(line[4:] for line in b.splitlines()) for b in indented)]


def readme_commands() -> list[str]:
    """Each `ccs-assist ...` line (continuations joined, comments cut), optional [parts]
    kept, and `a|b|c` choices expanded into one command each."""
    found: list[str] = []
    for block in code_blocks(README):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.strip().removeprefix("$ ")
            if "ccs-assist" not in line or line.startswith(("pip", "python")):
                continue
            if not re.match(r"^(echo .*\| )?ccs-assist\b", line):
                continue
            line = re.sub(r"\s+#.*$", "", line)
            line = re.sub(r"\[([^\]]*)\]", r"\1", line)
            choice = re.search(r"(\S+)\|(\S+(?:\|\S+)*)", line.split("ccs-assist", 1)[1])
            if choice and "'" not in choice.group(0):
                first, *rest = choice.group(0).split("|")
                found.extend(line.replace(choice.group(0), option) for option in [first, *rest])
            else:
                found.append(line)
    return found


COMMANDS = readme_commands()


def argv_of(command: str) -> list[str]:
    return shlex.split(command.split("| ", 1)[-1])[1:]


def subcommand(argv: list[str]) -> list[str]:
    """['graph', 'export'] for `graph export --format json`; [] for the bare chat."""
    words = [w for w in argv if not w.startswith("-")]
    if not words:
        return []
    return words[:2] if words[0] == "graph" else words[:1]


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccs_assist", "--graph", str(GRAPH), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_readme_shows_the_commands_we_expect() -> None:
    shown = {" ".join(subcommand(argv_of(c))) for c in COMMANDS}
    expected = {"", "ask", "batch", "check", "graph export", "serve", "letter", "test-transcripts"}
    assert expected <= shown


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_the_readme_uses_exists(command: str) -> None:
    argv = argv_of(command)
    sub = subcommand(argv)
    if sub and sub[0] == "letter" and len(argv) > 1 and not argv[1].startswith("-"):
        sub = ["letter", argv[1]]  # a letter kind has its own fields
    helped = run_cli(*sub, "--help")
    assert helped.returncode == 0, helped.stderr
    for option in re.findall(r"(?<!\S)(--[a-z][a-z-]*)", " ".join(argv)):
        assert option in helped.stdout, f"README uses {option}; `{' '.join(sub)} --help` lacks it"


@pytest.mark.parametrize("command", [c for c in COMMANDS if subcommand(argv_of(c))[:1] in RUN_SUBS])
def test_the_quick_readme_commands_run(command: str) -> None:
    argv = argv_of(command)
    stdin = None
    if command.startswith("echo "):
        stdin = shlex.split(command.split("|", 1)[0])[1] + "\n"
    if argv[0] == "letter" and len(argv) > 1 and not argv[1].startswith("-"):
        argv = [*argv, "--today", "2026-11-24"]
    done = run_cli(*argv, stdin=stdin)
    assert done.returncode == 0, (command, done.stderr)
    assert done.stdout.strip(), command


def test_the_letter_example_prints_what_the_readme_shows() -> None:
    block = re.search(r"```console\n(\$ ccs-assist letter .*?)```", README, re.S)
    assert block, "the README's letter example is gone"
    command, _, shown = re.sub(r"\\\n\s*", " ", block.group(1)).partition("\n")
    argv = [*argv_of(command.removeprefix("$ ")), "--today", "2026-11-24"]
    done = run_cli(*argv)
    assert done.returncode == 0, done.stderr
    # The README shortens long addresses to "https://site/..."; the rest must match exactly.
    expected = re.escape(shown.strip()).replace(re.escape("..."), r"\S*")
    assert re.fullmatch(expected, done.stdout.strip()), done.stdout


def test_the_python_example_runs() -> None:
    block = re.search(r"```python\n(.*?)```", README, re.S)
    assert block, "the README's Python example is gone"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.group(1), "README.md", "exec"), {})
    assert "spina bifida" in printed.getvalue().lower()


def test_the_json_example_has_every_field_of_an_answer() -> None:
    block = re.search(r"```json\n(\{\n  \"question\".*?)```", README, re.S)
    assert block, "the README's Answer example is gone"
    from ccs_assist import Answer

    assert set(json.loads(block.group(1))) == set(Answer.model_fields)
