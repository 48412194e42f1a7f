#!/usr/bin/env python3
"""Measure ccs-assist: per-question time, batch throughput, start-up, peak memory and scaling.

    .venv/bin/python bench/bench.py [--rounds N] [--quick] [--scales 1,10,100] [--json FILE]

Prints one table per measurement and a summary of the targets (issue 6):
  p99 under 1 ms a question; `ccs-assist ask` within 1.5x of the bare import of its dependencies;
  peak memory of a batch run under 100 MB; near-flat growth from the real graph to one 100x its
  size (the per-question median at 100x within 1.5x of the real graph's).

Questions come from ../shared/questions/dev.yaml beside the repository when it exists, else from
bench/questions.txt. The 10x and 100x graphs are generated into a temporary folder by cloning the
whole real graph under new ids and made-up names (see `synthesize`), so every link rule still
holds, every source is still cited, and `ccs-assist check` would accept them.

Every measurement of a graph runs in a fresh process (`--worker`), so load time and memory are
not flattered by an earlier run. This is a script, not a test: it prints, it does not assert,
except that it exits 1 when a generated graph fails to load.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "graph"
DEV_QUESTIONS = ROOT.parent / "shared" / "questions" / "dev.yaml"
FALLBACK_QUESTIONS = Path(__file__).resolve().parent / "questions.txt"
INTENTS_FILE = "intents.yaml"
COPIES_PER_FILE = 20  # the loader refuses files over 5 MB; 20 copies of the biggest stay < 1 MB
HEAVY = ("prompt_toolkit", "fastapi", "starlette", "uvicorn", "httpx", "anyio", "h11")
FLOOR_IMPORT = "import networkx, rapidfuzz, pydantic, yaml"
# `import pydantic` is lazy: the floor above never builds pydantic's model machinery, which any
# use of BaseModel pulls in. This second floor is what the dependencies cost when used.
FLOOR_MODEL_IMPORT = (
    FLOOR_IMPORT + "; from pydantic import BaseModel; from rapidfuzz import process"
)

TARGET_P99_MS = 1.0
TARGET_START_RATIO = 1.5
TARGET_RSS_MB = 100.0
TARGET_GROWTH = 1.5


# ---- questions -------------------------------------------------------------------------------


def load_questions() -> tuple[list[str], str]:
    """The dev questions when the shared set is there, else the built-in list."""
    if DEV_QUESTIONS.is_file():
        import yaml

        cases = yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8")).get("cases") or []
        questions = [str(c["q"]) for c in cases if isinstance(c, dict) and c.get("q")]
        if questions:
            return questions, str(DEV_QUESTIONS)
    lines = FALLBACK_QUESTIONS.read_text(encoding="utf-8").splitlines()
    questions = [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")]
    return questions, str(FALLBACK_QUESTIONS.relative_to(ROOT))


# ---- statistics ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def table(title: str, header: list[str], rows: list[list[object]]) -> str:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = [title, line]
    for n, row in enumerate(cells):
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out.append(line)
    return "\n".join(out)


# ---- the machine -----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = platform.processor() or platform.machine()
    try:
        for raw in Path("/proc/cpuinfo").read_text().splitlines():
            if raw.startswith("model name"):
                model = raw.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for raw in Path("/proc/meminfo").read_text().splitlines():
            if raw.startswith("MemTotal"):
                memory = f"{int(raw.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except (OSError, ValueError):
        pass
    return {
        "nproc": str(os.cpu_count() or "?"),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


# ---- synthetic graphs ------------------------------------------------------------------------

_ONSETS = [*"b d f g k l m n p r t v z".split(), "br", "dr", "gl", "kr", "pl", "tr", "zh"]
_VOWELS = ["a", "o", "u", "i", "ai", "ou"]
_CODAS = ["k", "m", "n", "p", "r", "t", "v", "x", "z"]  # never s/e/d/g/y: stems stay whole


def made_up_word(index: int) -> str:
    """A pronounceable non-word, distinct for every index, that `stem` leaves unchanged."""
    syllables = len(_ONSETS) * len(_VOWELS)
    parts: list[str] = []
    n = index
    while n or len(parts) < 3:  # base-120 digits, at least three syllables
        n, rest = divmod(n, syllables)
        onset, vowel = divmod(rest, len(_VOWELS))
        parts.append(_ONSETS[onset] + _VOWELS[vowel])
    return "".join(parts) + _CODAS[index % len(_CODAS)]


def _rename(value: Any, ids: dict[str, str]) -> Any:
    return ids.get(value, value) if isinstance(value, str) else value


def clone_node(node: dict[str, Any], copy: int, word: str, ids: dict[str, str]) -> dict[str, Any]:
    """One node of copy `copy`: new id, new made-up name, links rewritten to the same copy."""
    out = dict(node)
    out["id"] = ids[node["id"]]
    out["label"] = f"{word.capitalize()} {node['label']}"
    if node.get("aliases"):
        out["aliases"] = [f"{word} {alias}" for alias in node["aliases"]]
    if node.get("examples"):
        out["examples"] = [f"{word} {example}" for example in node["examples"]]
    if node.get("sources"):
        out["sources"] = [_rename(s, ids) for s in node["sources"]]
    if node.get("links"):
        links = []
        for link in node["links"]:
            link = dict(link)
            for field in ("to", "source", "purpose"):
                if field in link:
                    link[field] = _rename(link[field], ids)
            links.append(link)
        out["links"] = links
    return out


def synthesize(source: Path, target: Path, scale: int) -> dict[str, int]:
    """Write a graph `scale` times the size of `source` into `target`.

    Copy 0 is the real graph, unchanged (the intents name its ids). Copies 1..scale-1 clone every
    node with the id suffix `_x<copy>` and a made-up word in front of its label, aliases and
    examples, so the matcher's name index and vocabulary grow with the copies. Each copy is a
    whole, self-contained graph: links and citations point inside the same copy, so every link
    rule holds and every cloned source is cited by its cloned citers.
    """
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        """Never write anchors and aliases (shared values): the loader refuses them."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    files = sorted(p for p in source.glob("*.yaml"))
    loaded: list[tuple[Path, dict[str, Any]]] = []
    all_ids: list[str] = []
    for path in files:
        shutil.copy2(path, target / path.name)
        if path.name == INTENTS_FILE:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        loaded.append((path, data))
        all_ids.extend(str(n["id"]) for n in data["nodes"])
    order = {node_id: i for i, node_id in enumerate(all_ids)}
    nodes_written = len(all_ids)
    for path, data in loaded:
        for start in range(1, scale, COPIES_PER_FILE):
            copies = range(start, min(scale, start + COPIES_PER_FILE))
            nodes: list[dict[str, Any]] = []
            for copy in copies:
                ids = {node_id: f"{node_id}_x{copy}" for node_id in all_ids}
                for node in data["nodes"]:
                    word = made_up_word(copy * len(all_ids) + order[node["id"]])
                    nodes.append(clone_node(node, copy, word, ids))
            name = f"{path.stem}-x{copies[0]:03d}-{copies[-1]:03d}.yaml"
            text = yaml.dump(
                {"kind": data["kind"], "nodes": nodes},
                Dumper=Dumper,
                sort_keys=False,
                allow_unicode=True,
                width=4096,
            )
            (target / name).write_text(text, encoding="utf-8")
            nodes_written += len(nodes)
    return {"nodes": nodes_written, "files": len(list(target.glob("*.yaml")))}


def clone_question(graph: Path, scale: int) -> tuple[str, str] | None:
    """A question naming a condition of the last copy, and the id the matcher should find."""
    if scale < 2:
        return None
    import yaml

    copy = scale - 1
    for path in sorted(graph.glob(f"conditions-x*-{copy:03d}.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for node in data["nodes"]:
            if node["id"].endswith(f"_x{copy}") and not node.get("examples"):
                return f"Is {node['label'].lower()} covered by CCS?", node["id"]
    return None


# ---- measuring one graph in a fresh process -------------------------------------------------


def _clear_caches(assistant: Any) -> None:
    """Forget the typo and stem caches, so a 'cold' question pays for everything."""
    from ccs_assist import text

    correct = getattr(assistant.matcher, "_correct", None)
    if hasattr(correct, "cache_clear"):
        correct.cache_clear()
    if hasattr(text.stem, "cache_clear"):
        text.stem.cache_clear()


def worker(graph: Path, rounds: int, questions: list[str], probe: list[str]) -> dict[str, Any]:
    """Load the graph, time every question over many rounds, and a batch; report as JSON."""
    import gc
    import resource

    started = time.perf_counter()
    from ccs_assist import Assistant
    from ccs_assist.interfaces.batch import run_batch

    imported = time.perf_counter()
    os.environ["CCS_ASSIST_NO_CACHE"] = "1"  # parse and validate every file
    assistant = Assistant(graph)
    loaded = time.perf_counter()
    del os.environ["CCS_ASSIST_NO_CACHE"]
    t0 = time.perf_counter()
    Assistant(graph)  # the first start with the snapshot on: loads the YAML and saves it
    save_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    Assistant(graph)  # every later start: from the snapshot
    snapshot_s = time.perf_counter() - t0
    cache = Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "ccs-assist"
    saved = list(cache.glob("graph-*.json")) if cache.is_dir() else []
    result: dict[str, Any] = {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "first_start_s": save_s,
        "snapshot_load_s": snapshot_s if saved else float("nan"),
        "nodes": sum(assistant.kg.counts().values()),
        "links": assistant.kg.graph.number_of_edges(),
        "names": len(assistant.matcher.names),
        "intents": len(assistant.catalogue.intents),
        "cues": sum(len(i.cues) for i in assistant.catalogue.intents.values()),
        "vocabulary": len(assistant.matcher.vocabulary),
    }
    if probe:
        answer = assistant.ask(probe[0])
        found = [i for ids in answer.entities.values() for i in ids]
        result["probe_ok"] = probe[1] in found
    cold: list[float] = []
    for question in questions:  # first sight of each question: caches empty
        _clear_caches(assistant)
        t0 = time.perf_counter()
        assistant.ask(question)
        cold.append(time.perf_counter() - t0)
    gc.collect()
    warm: list[float] = []
    per_question: dict[str, list[float]] = {q: [] for q in questions}
    for _ in range(rounds):
        for question in questions:
            t0 = time.perf_counter()
            assistant.ask(question)
            elapsed = time.perf_counter() - t0
            warm.append(elapsed)
            per_question[question].append(elapsed)
    gc.collect()
    gc.freeze()  # what a long-running process can do once the graph is loaded
    frozen: list[float] = []
    for _ in range(rounds):
        for question in questions:
            t0 = time.perf_counter()
            assistant.ask(question)
            frozen.append(time.perf_counter() - t0)
    gc.unfreeze()
    lines = "".join(
        json.dumps({"question": q, "session": f"s{i % 25}"}) + "\n"
        for i, q in enumerate(questions * max(1, rounds))
    )
    sink = io.StringIO()
    t0 = time.perf_counter()
    run_batch(assistant, io.StringIO(lines), sink)
    batch_s = time.perf_counter() - t0
    slowest = sorted(per_question.items(), key=lambda kv: statistics.median(kv[1]), reverse=True)
    result |= {
        "questions": len(questions),
        "rounds": rounds,
        "median_ms": statistics.median(warm) * 1000,
        "p99_ms": percentile(warm, 99) * 1000,
        "max_ms": max(warm) * 1000,
        "frozen_median_ms": statistics.median(frozen) * 1000,
        "frozen_p99_ms": percentile(frozen, 99) * 1000,
        "cold_median_ms": statistics.median(cold) * 1000,
        "cold_p99_ms": percentile(cold, 99) * 1000,
        "batch_lines": lines.count("\n"),
        "batch_qps": lines.count("\n") / batch_s,
        "slowest": [(q, statistics.median(t) * 1000) for q, t in slowest[:3]],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    return result


def run_worker(
    graph: Path, rounds: int, questions_file: Path, probe: tuple[str, str] | None
) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        str(graph),
        "--rounds",
        str(rounds),
        "--questions-file",
        str(questions_file),
    ]
    if probe:
        command += ["--probe", probe[0], probe[1]]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench: measuring {graph} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- whole processes -------------------------------------------------------------------------

RSS_WRAPPER = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdin=sys.stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - t0
lines = done.stdout.count(b"\\n")
errors = done.stdout.count(b'{"error"')
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(rss, wall, lines, errors, done.returncode)
"""


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "ccs-assist"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "ccs_assist"]


def peak_batch(
    graph: Path | None, questions: list[str], lines: int, workdir: Path, cold: bool = False
) -> dict[str, float]:
    """Peak RSS (ru_maxrss of the child) and wall time of `ccs-assist batch` over `lines` lines."""
    feed = workdir / "batch-input.jsonl"
    with feed.open("w", encoding="utf-8") as out:
        for i in range(lines):
            item: dict[str, object] = {"question": questions[i % len(questions)]}
            if i % 2:
                item["session"] = f"parent-{i % 97}"
            out.write(json.dumps(item) + "\n")
    command = cli_command() + (["--graph", str(graph)] if graph else []) + ["batch"]
    env = dict(os.environ)
    if cold:  # no start-up snapshot: parse and validate the YAML, as the first run does
        env["CCS_ASSIST_NO_CACHE"] = "1"
    with feed.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", RSS_WRAPPER, *command],
            stdin=stdin,
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    rss_kb, wall, answered, errors, code = done.stdout.split()
    return {
        "rss_mb": int(rss_kb) / 1024,
        "wall_s": float(wall),
        "lines": int(answered),
        "errors": int(errors),
        "exit": int(code),
        "qps": int(answered) / float(wall),
    }


def isolate(work: Path) -> None:
    """Every process the benchmark starts: bytecode cached and snapshots kept in `work`.

    Bytecode: with PYTHONDONTWRITEBYTECODE=1 (as in some sandboxes) the editable ccs_assist
    sources would be recompiled on every start while site-packages come precompiled, which is
    not what an installed copy does; the cache goes to a temp dir, not into src/.
    Snapshots: the start-up snapshot lives in the user's cache folder and keeps one graph; the
    benchmark's graphs must not replace the user's, so XDG_CACHE_HOME points into `work`.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.pop("CCS_ASSIST_NO_CACHE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")


def startup(runs: int, question: str) -> dict[str, Any]:
    """Wall time of `ccs-assist ask` and of two import floors, runs interleaved; median and best.

    `ask` is the normal start (the snapshot saved by an earlier start is there); `ask_cold` is
    the first start after graph/ changed (CCS_ASSIST_NO_CACHE=1: parse and validate the YAML).
    """
    commands = {
        "floor": [sys.executable, "-c", FLOOR_IMPORT],
        "floor_model": [sys.executable, "-c", FLOOR_MODEL_IMPORT],
        "ask": [*cli_command(), "ask", question],
        "ask_cold": [*cli_command(), "ask", question],
    }
    cold = dict(os.environ, CCS_ASSIST_NO_CACHE="1")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # bytecode, snapshot and page cache, once
        subprocess.run(command, capture_output=True, check=True)
    for _ in range(runs):
        for name, command in commands.items():
            env = cold if name == "ask_cold" else None
            t0 = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=env)
            times[name].append(time.perf_counter() - t0)
    out: dict[str, Any] = {"commands": {k: " ".join(v[-3:]) for k, v in commands.items()}}
    for name, values in times.items():
        out[f"{name}_median_s"] = statistics.median(values)
        out[f"{name}_best_s"] = min(values)
    for ask in ("ask", "ask_cold"):
        for floor in ("floor", "floor_model"):
            out[f"ratio_{ask}_{floor}_median"] = out[f"{ask}_median_s"] / out[f"{floor}_median_s"]
            out[f"ratio_{ask}_{floor}_best"] = out[f"{ask}_best_s"] / out[f"{floor}_best_s"]
    return out


PHASES = """
import time, json
t0 = time.perf_counter()
import networkx, rapidfuzz, pydantic, yaml
t1 = time.perf_counter()
from pydantic import BaseModel, Field
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
t2 = time.perf_counter()
from ccs_assist.assistant import Assistant
from ccs_assist.interfaces.render import render
t3 = time.perf_counter()
a = Assistant()
t4 = time.perf_counter()
render(a.ask(QUESTION))
t5 = time.perf_counter()
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.catalogue import load_catalogue
from ccs_assist.understanding.matcher import Matcher
kg = KnowledgeGraph.load(None)
t6 = time.perf_counter()
catalogue = load_catalogue(kg)
t7 = time.perf_counter()
Matcher(kg, catalogue)
t8 = time.perf_counter()
print(json.dumps({
    "the import floor (networkx, rapidfuzz, pydantic, yaml)": t1 - t0,
    "pydantic BaseModel + rapidfuzz.process (lazy in the floor)": t2 - t1,
    "ccs_assist modules (incl. building its pydantic models)": t3 - t2,
    "Assistant() from the start-up snapshot (JSON)": t4 - t3,
    "first answer + render": t5 - t4,
    "without a snapshot: graph load (YAML + validation)": t6 - t5,
    "without a snapshot: intent catalogue": t7 - t6,
    "without a snapshot: matcher indexes": t8 - t7,
}))
"""


def startup_phases(runs: int, question: str) -> dict[str, float]:
    """Where the start-up of `ask` goes, phase by phase, median of `runs` fresh processes."""
    code = PHASES.replace("QUESTION", repr(question))
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        samples.append(json.loads(done.stdout))
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


LAZY = """
import contextlib, io, sys
from ccs_assist.interfaces.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print(",".join(heavy) or "-")
"""


def heavy_imports(command: list[str]) -> str:
    """Which of prompt-toolkit and the web stack a command imports (it should be none)."""
    code = LAZY.replace("HEAVY", repr(HEAVY))
    done = subprocess.run(
        [sys.executable, "-c", code, *command],
        input="",
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or f"(failed: {done.stderr.strip()[-80:]})"


# ---- the report ------------------------------------------------------------------------------


# Runs of one character, the shapes that make a careless regex backtrack (tests/test_batch.py
# checks what the parsers find in them; here, how their time grows with the length).
HOSTILE_TEXT = {
    "accent": "\u00b4" * 2000,
    "digit then spaces": "1" + " " * 1999,
    "digits and spaces": "1 " * 1000,
    "dollars": "$" * 2000,
    "commas": "1," * 1000,
    "is": "is " * 666,
}


def parser_growth(repeats: int = 7) -> list[list[object]]:
    """Best-of-N time of the per-question parsers on hostile text and on twice that text:
    about 2x is linear; 4x would be quadratic."""
    from ccs_assist.text import ages, money_amounts, words

    def best(text: str) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            ages(text)
            money_amounts(text)
            words(text)
            times.append(time.perf_counter() - started)
        return min(times)

    rows: list[list[object]] = []
    for name, text in HOSTILE_TEXT.items():
        one, two = best(text), best(text + text)
        rows.append([name, f"{one * 1000:.2f}", f"{two * 1000:.2f}", f"{two / one:.1f}x"])
    return rows


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=None, help="rounds over the questions")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and runs (~1 minute)")
    parser.add_argument("--scales", default="1,10,100", help="graph sizes to compare (1 = real)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        questions = json.loads(args.questions_file.read_text(encoding="utf-8"))
        print(json.dumps(worker(args.worker, args.rounds or 1, questions, args.probe or [])))
        return 0

    rounds = args.rounds or (10 if args.quick else 100)
    runs = 5 if args.quick else 21
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    questions, origin = load_questions()
    info = machine()
    results: dict[str, Any] = {"machine": info, "questions_from": origin, "rounds": rounds}

    print(
        f"machine: {info['nproc']} CPU ({info['cpu']}), {info['memory']} RAM, "
        f"Python {info['python']}, {info['system']}"
    )
    print(f"questions: {len(questions)} from {origin}; {rounds} rounds; {runs} start-up runs\n")

    with tempfile.TemporaryDirectory(prefix="ccs-bench-") as tmp:
        work = Path(tmp)
        isolate(work)
        questions_file = work / "questions.json"
        questions_file.write_text(json.dumps(questions), encoding="utf-8")
        scaled = measure_scales(scales, rounds, questions, questions_file, work, args.quick)
        results["scales"] = {str(k): v for k, v in scaled.items()}
        print_scales(scaled)
        question = questions[0]
        start = startup(runs, question)
        phases = startup_phases(3 if args.quick else 7, question)
        lazy = {
            name: heavy_imports(command)
            for name, command in (("ask", ["ask", question]), ("batch", ["batch"]))
        }
        results |= {"startup": start, "startup_phases": phases, "heavy_imports": lazy}
        print_startup(start, phases, lazy, runs)

    growth = parser_growth()
    results["parser_growth"] = growth
    header = ["text", "ms at 2,000 chars", "ms at 4,000", "growth"]
    print(table("Parsers on hostile text (about 2x is linear)", header, growth))
    print()
    rows = targets(scaled, start, lazy)
    results["targets"] = rows
    print(table("Targets (issue 6)", ["target", "measured", "verdict"], rows))
    print("\nAnswer quality (bench/quality.py: precision, coverage, calibration)")
    quality_lines: list[str] = []
    quality.main([], out=lambda line: (print(line), quality_lines.append(line)))
    results["quality"] = quality_lines
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    broken = [s for s, f in scaled.items() if f["batch"]["exit"] != 0 or not f.get("probe_ok", 1)]
    return 1 if broken else 0


def measure_scales(
    scales: list[int],
    rounds: int,
    questions: list[str],
    questions_file: Path,
    work: Path,
    quick: bool,
) -> dict[int, dict[str, Any]]:
    """The real graph (scale 1) and generated ones, each measured in fresh processes."""
    scaled: dict[int, dict[str, Any]] = {}
    for scale in scales:
        if scale == 1:
            graph, generated = GRAPH, 0.0
        else:
            graph = work / f"graph-x{scale}"
            t0 = time.perf_counter()
            synthesize(GRAPH, graph, scale)
            generated = time.perf_counter() - t0
        probe = clone_question(graph, scale)
        # The big graphs cost seconds to load; fewer rounds there keep the run to minutes.
        figures = run_worker(
            graph, rounds if scale <= 10 else max(5, rounds // 10), questions_file, probe
        )
        figures["generate_s"] = generated
        lines = 1000 if quick or scale > 1 else 5000
        figures["batch"] = peak_batch(graph, questions, lines, work)  # snapshot saved by worker
        figures["batch_cold"] = peak_batch(graph, questions, lines, work, cold=True)
        if probe and not figures.get("probe_ok"):
            print(f"warning: at {scale}x the matcher did not find the clone '{probe[1]}'")
        scaled[scale] = figures
        if scale > 1:
            shutil.rmtree(graph, ignore_errors=True)
    return scaled


def _name(scale: int) -> str:
    return "real" if scale == 1 else f"{scale}x"


def print_scales(scaled: dict[int, dict[str, Any]]) -> None:
    header = ["graph", "nodes", "links", "names", "intents", "rounds", "load s", "snapshot s"]
    header += ["median ms", "p99 ms", "max ms", "p99 gc-frozen", "cold median", "cold p99"]
    header += ["batch q/s"]
    rows = [
        [
            _name(s),
            f["nodes"],
            f["links"],
            f["names"],
            f["intents"],
            f["rounds"],
            f"{f['load_s']:.2f}",
            f"{f['snapshot_load_s']:.3f}",
            f"{f['median_ms']:.3f}",
            f"{f['p99_ms']:.3f}",
            f"{f['max_ms']:.2f}",
            f"{f['frozen_p99_ms']:.3f}",
            f"{f['cold_median_ms']:.3f}",
            f"{f['cold_p99_ms']:.3f}",
            f"{f['batch_qps']:,.0f}",
        ]
        for s, f in scaled.items()
    ]
    title = (
        "Per question, in process (Assistant.ask, ms). load = parse + validate the YAML; "
        "snapshot = load from the start-up snapshot;\ncold = caches cleared, first sight of "
        "each question; gc-frozen = the same rounds after gc.freeze(); batch = run_batch in process"
    )
    print(table(title, header, rows))
    print()
    rows = []
    for s, f in scaled.items():
        for kind in ("batch", "batch_cold"):
            b = f[kind]
            rows.append(
                [
                    _name(s),
                    "snapshot" if kind == "batch" else "YAML (first run)",
                    b["lines"],
                    f"{b['wall_s']:.2f}",
                    f"{b['qps']:,.0f}",
                    f"{b['rss_mb']:.1f}",
                    b["errors"],
                    b["exit"],
                ]
            )
    header = ["graph", "start from", "lines", "wall s", "q/s incl. start", "peak RSS MB"]
    header += ["errors", "exit"]
    print(table("`ccs-assist batch` as a subprocess (peak RSS: ru_maxrss)", header, rows))
    print()
    for s, f in scaled.items():
        slow = "; ".join(f"{q[:48]!r} {t:.2f} ms" for q, t in f.get("slowest") or [])
        print(f"slowest at {_name(s)} (median): {slow}")
    print()


def print_startup(
    start: dict[str, Any], phases: dict[str, float], lazy: dict[str, str], runs: int
) -> None:
    commands = start["commands"]
    rows: list[list[object]] = [
        [
            label,
            f"{start[name + '_median_s']:.3f}",
            f"{start[name + '_best_s']:.3f}",
        ]
        for name, label in (
            ("floor", commands["floor"]),
            ("floor_model", commands["floor_model"]),
            ("ask", commands["ask"] + " (snapshot)"),
            ("ask_cold", commands["ask_cold"] + " (no snapshot)"),
        )
    ]
    for ask, what in (("ask", "snapshot"), ("ask_cold", "no snapshot")):
        for floor, against in (("floor", "floor"), ("floor_model", "floor + pydantic models")):
            rows.append(
                [
                    f"ratio ask ({what}) / {against}",
                    f"{start[f'ratio_{ask}_{floor}_median']:.2f}x",
                    f"{start[f'ratio_{ask}_{floor}_best']:.2f}x",
                ]
            )
    title = f"Start-up: whole processes, {runs} interleaved runs, bytecode cached (s)"
    print(table(title, ["command", "median", "best"], rows))
    print()
    rows2 = [[k, f"{v * 1000:.0f}"] for k, v in phases.items()]
    print(table("Where `ask` start-up goes (median of fresh processes)", ["phase", "ms"], rows2))
    print()
    rows3 = [[k, v] for k, v in lazy.items()]
    title = "Heavy modules imported (" + ", ".join(HEAVY) + "): should be none"
    print(table(title, ["command", "imported"], rows3))
    print()


def targets(
    scaled: dict[int, dict[str, Any]], start: dict[str, Any], lazy: dict[str, str]
) -> list[list[object]]:
    rows: list[list[object]] = []
    real = scaled.get(1)
    if real:
        rows.append(
            [
                "p99 per question < 1 ms",
                f"{real['p99_ms']:.3f} ms",
                verdict(real["p99_ms"] < TARGET_P99_MS),
            ]
        )
        peak = max(real["batch"]["rss_mb"], real["batch_cold"]["rss_mb"])
        rows.append(
            [
                "peak memory of a batch run < 100 MB",
                f"{peak:.1f} MB",
                verdict(peak < TARGET_RSS_MB),
            ]
        )
    rows.append(
        [
            "`ask` start-up <= 1.5x import floor",
            f"{start['ratio_ask_floor_median']:.2f}x "
            f"(no snapshot {start['ratio_ask_cold_floor_median']:.2f}x)",
            verdict(start["ratio_ask_floor_median"] <= TARGET_START_RATIO),
        ]
    )
    rows.append(
        [
            "ask/batch import no prompt-toolkit or web stack",
            ", ".join(f"{k}: {v}" for k, v in lazy.items()),
            verdict(all(v == "-" for v in lazy.values())),
        ]
    )
    biggest = max(scaled)
    if real and biggest > 1:
        big = scaled[biggest]
        growth = big["median_ms"] / real["median_ms"]
        growth99 = big["p99_ms"] / real["p99_ms"]
        rows.append(
            [
                f"near-flat growth to {biggest}x: median and p99 <= 1.5x real",
                f"median {growth:.2f}x, p99 {growth99:.2f}x",
                verdict(growth <= TARGET_GROWTH and growth99 <= TARGET_GROWTH),
            ]
        )
    return rows


if __name__ == "__main__":
    sys.exit(main())
