"""The `ccs-assist` command: a thin shell that parses arguments and calls the library.

No answering logic lives here. Heavy imports (prompt-toolkit, the web stack) happen inside the
commands that need them, so `ccs-assist ask` starts about as fast as its dependencies import.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from ccs_assist.errors import CcsAssistError, GraphError
from ccs_assist.interfaces.letters_cli import add_letter_command


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None) or _cmd_chat
    try:
        return int(handler(args) or 0)
    except CcsAssistError as error:
        print(f"ccs-assist: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if TYPE_CHECKING:  # argparse's class is generic to type checkers only, not at run time
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccs-assist",
        description="Answers for California parents about CCS, the Medical Therapy Program and "
        "the IEP. Information, not legal advice. With no command it starts the chat.",
    )
    parser.add_argument("--graph", type=Path, default=None, help="graph folder (default: graph/)")
    sub = parser.add_subparsers(metavar="COMMAND")
    _add_graph_commands(sub)
    _add_answer_commands(sub)
    _add_serve_command(sub)
    add_letter_command(sub)  # letters_cli.py: `ccs-assist letter`
    _add_transcripts_command(sub)
    return parser


def _add_graph_commands(sub: Subcommands) -> None:
    """`check` and `graph export`: for whoever edits graph/."""
    check = sub.add_parser("check", help="validate graph/ and print counts; exit 1 on problems")
    check.set_defaults(handler=_cmd_check)

    graph = sub.add_parser("graph", help="work with the knowledge graph")
    # Required: without it, `ccs-assist graph` alone would fall through to the chat.
    graph_sub = graph.add_subparsers(metavar="ACTION", required=True)
    export = graph_sub.add_parser("export", help="write the graph as json, graphml or dot")
    export.add_argument("--format", choices=("json", "graphml", "dot"), default="json")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    export.set_defaults(handler=_cmd_export)


def _add_answer_commands(sub: Subcommands) -> None:
    """`ask`, `batch` and `chat`: answers on this machine, without a server."""
    ask = sub.add_parser("ask", help='answer one question: ccs-assist ask "Is CP covered?"')
    ask.add_argument("question", nargs="+", help="the question (quote it)")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.set_defaults(handler=_cmd_ask)

    batch = sub.add_parser(
        "batch",
        help="answer JSON lines {question, session} or plain lines from stdin, one JSON per line",
    )
    batch.set_defaults(handler=_cmd_batch)

    chat = sub.add_parser("chat", help="start the chat (the default when no command is given)")
    chat.set_defaults(handler=_cmd_chat)


def _add_serve_command(sub: Subcommands) -> None:
    serve = sub.add_parser("serve", help="run the HTTP API for help desks (needs the server extra)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: localhost)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--log-unanswered",
        type=Path,
        metavar="FILE",
        help="append questions the assistant could not answer (no session ids) to FILE",
    )
    serve.add_argument("--session-ttl", type=float, default=1800.0, help="idle seconds to keep")
    serve.add_argument("--max-sessions", type=int, default=10_000)
    serve.add_argument(
        "--sessions",
        default="memory",
        metavar="URL",
        help="where conversations live: memory (this process) or redis://HOST:PORT/DB",
    )
    serve.add_argument("--workers", type=int, default=1, help="processes (needs --sessions redis)")
    serve.add_argument(
        "--session-rate", type=float, default=30, help="new sessions a minute per client (0: off)"
    )
    serve.add_argument("--idle-timeout", type=float, default=5, help="seconds without a request")
    serve.add_argument("--body-timeout", type=float, default=10, help="seconds for a body")
    serve.add_argument("--limit-concurrency", type=int, default=200, help="connections at once")
    serve.add_argument(
        "--log-max-bytes", type=int, default=16 * 1024 * 1024, help="cap of --log-unanswered"
    )
    serve.add_argument("--person-url", help='the chat page\'s "talk to a person" address')
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a help-desk site (https://...) whose pages may embed /widget.js from another origin",
    )
    serve.set_defaults(handler=_cmd_serve)


def _add_transcripts_command(sub: Subcommands) -> None:
    tests = sub.add_parser("test-transcripts", help="check the conversations in transcripts/")
    tests.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: transcripts/)"
    )
    tests.add_argument("--json", action="store_true", help="machine-readable report")
    tests.add_argument("--coverage", action="store_true", help="list what no transcript exercises")
    tests.set_defaults(handler=_cmd_transcripts)


def _cmd_chat(args: argparse.Namespace) -> int:
    from ccs_assist.interfaces.repl import run

    return run(args.graph)


def _cmd_serve(args: argparse.Namespace) -> int:
    from ccs_assist.interfaces.http.server import run

    return run(
        args.graph,
        host=args.host,
        port=args.port,
        log_unanswered=args.log_unanswered,
        session_ttl=args.session_ttl,
        max_sessions=args.max_sessions,
        sessions=args.sessions,
        workers=args.workers,
        session_rate=args.session_rate,
        idle_timeout=args.idle_timeout,
        body_timeout=args.body_timeout,
        limit_concurrency=args.limit_concurrency,
        log_max_bytes=args.log_max_bytes,
        person_url=args.person_url,
        allow_origins=args.allow_origin,
    )


def _cmd_transcripts(args: argparse.Namespace) -> int:
    from ccs_assist.transcripts import run

    return run(args.paths, as_json=args.json, coverage=args.coverage, graph=args.graph)


def _cmd_check(args: argparse.Namespace) -> int:
    """Everything the Assistant would refuse, and the code-data contract, from the files
    themselves (never the start-up snapshot)."""
    from ccs_assist.answering.contract import check
    from ccs_assist.knowledge.catalogue import load_catalogue
    from ccs_assist.knowledge.folders import INTENTS_FILE
    from ccs_assist.knowledge.graph import KnowledgeGraph
    from ccs_assist.letters import check_letters  # graph/letters/ is checked with the graph

    kg = KnowledgeGraph.load(args.graph)
    catalogue = load_catalogue(kg)
    problems = check(kg, catalogue, kg.directory / INTENTS_FILE)
    if problems:
        raise GraphError(problems)
    for kind, count in sorted(kg.counts().items()):
        print(f"{kind:<13}{count:>5}")
    print(f"{'total':<13}{sum(kg.counts().values()):>5} nodes, {kg.graph.number_of_edges()} links")
    print(f"{'intents':<13}{len(catalogue.intents):>5}")
    print(check_letters(kg))
    print("graph OK")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from ccs_assist.assistant import Assistant
    from ccs_assist.interfaces.render import render

    answer = Assistant(args.graph).ask(" ".join(args.question))
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(render(answer))
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from ccs_assist.assistant import Assistant
    from ccs_assist.interfaces.batch import run_batch

    return run_batch(Assistant(args.graph), sys.stdin, sys.stdout)


def _cmd_export(args: argparse.Namespace) -> int:
    from ccs_assist.knowledge.export import export
    from ccs_assist.knowledge.graph import KnowledgeGraph

    text = export(KnowledgeGraph.load(args.graph), args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
