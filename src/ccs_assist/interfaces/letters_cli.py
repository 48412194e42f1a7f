"""`ccs-assist letter`: list the letter kinds, or fill one from options and print or save it.

    ccs-assist letter --list
    ccs-assist letter ccs_appeal --child-name "Ana Ruiz" --notice-date 2026-11-10 ... [-o FILE]
    ccs-assist letter ccs_appeal --help             # that letter's fields

The fields differ by letter, so the options after KIND are read by a second parser built from
that letter's file. Missing required fields are an error naming them (exit 2), like argparse's
own errors. `-o FILE.txt` or `-o FILE.docx` writes the letter only; the deadline and next steps
are printed below it on the terminal. Nothing is logged or kept.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ccs_assist.errors import CcsAssistError

if TYPE_CHECKING:
    from ccs_assist.letters import Letter, Letters

__all__ = ["add_letter_command", "run_letter"]


def add_letter_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `letter` on the main parser's subcommands."""
    letter = sub.add_parser(
        "letter",
        help="write a letter (an assessment request, a CCS appeal, ...): --list shows the kinds",
        add_help=False,
    )
    letter.add_argument("kind", nargs="?", help="the letter kind (see --list)")
    letter.add_argument("--list", action="store_true", help="list the letter kinds and fields")
    letter.add_argument("-h", "--help", action="store_true", dest="show_help", help="this help")
    letter.add_argument("rest", nargs=argparse.REMAINDER, help="--field value ... [-o FILE]")
    letter.set_defaults(handler=run_letter)


def run_letter(args: argparse.Namespace) -> int:
    from ccs_assist.assistant import Assistant
    from ccs_assist.letters import Letters

    if args.kind is None and not args.list:
        return _usage(args.show_help)
    letters = Letters.load(Assistant(args.graph).kg)  # the graph from its start-up snapshot
    if args.list:
        _print_kinds(letters)
        return 0
    if args.kind not in letters:
        names = ", ".join(k.id for k in letters.kinds())
        print(
            f"ccs-assist letter: no letter kind '{args.kind}'; choose one of: {names}",
            file=sys.stderr,
        )
        return 2
    parser = _kind_parser(letters, args.kind)
    options = parser.parse_args([*args.rest, *(["--help"] if args.show_help else [])])
    letter = _make_letter(parser, letters, args.kind, options)
    output: Path | None = options.output
    if output is None:
        print(letter.full_text())
        return 0
    _write(parser, letter, output)
    print(f"Wrote the letter to {output}.\n")
    print(letter.full_text().split("-" * 40, 1)[1].lstrip("\n"))
    return 0


def _usage(show_help: bool) -> int:
    """`ccs-assist letter` without a kind: the usage for --help, else an error (exit 2)."""
    if not show_help:
        print("ccs-assist letter: say which letter, or --list to see them", file=sys.stderr)
        return 2
    print(
        "usage: ccs-assist letter --list\n"
        "       ccs-assist letter KIND --field value ... [-o FILE.txt|FILE.docx]\n"
        "       ccs-assist letter KIND --help"
    )
    return 0


def _print_kinds(letters: Letters) -> None:
    for kind in letters.kinds():
        print(f"{kind.id}\n  {kind.title}\n  {kind.summary}")
        for spec in kind.fields:
            flag = "--" + spec.name.replace("_", "-")
            extra = " (optional)" if spec.optional else ""
            extra += f" (default: {spec.default})" if spec.default else ""
            print(f"    {flag:<20} {spec.label}{extra}")
        print()


def _kind_parser(letters: Letters, kind_id: str) -> argparse.ArgumentParser:
    """The second parser: one --option per field of this letter, then -o and --today."""
    parser = argparse.ArgumentParser(
        prog=f"ccs-assist letter {kind_id}",
        description=letters.kind(kind_id).title + ". Information, not legal advice.",
    )
    for spec in letters.fields(kind_id):
        kind_note = " (a date, e.g. 2026-11-03)" if spec.type == "date" else ""
        need = "optional" if spec.optional or spec.default else "required"
        parser.add_argument(
            "--" + spec.name.replace("_", "-"),
            dest=spec.name,
            default=None,
            metavar="TEXT",
            help=f"{spec.label}{kind_note}; {need}",
        )
    parser.add_argument("-o", "--output", type=Path, help="write the letter to FILE.txt or .docx")
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the letter's date (default: today in California)"
    )
    return parser


def _make_letter(
    parser: argparse.ArgumentParser, letters: Letters, kind_id: str, options: argparse.Namespace
) -> Letter:
    """The letter from the options given; a refused value or a missing field exits 2."""
    fields = {f.name: getattr(options, f.name) for f in letters.fields(kind_id)}
    fields = {k: v for k, v in fields.items() if v is not None}
    try:
        letter = letters.make_letter(kind_id, fields, options.today)
    except CcsAssistError as error:
        parser.error(str(error))
    if letter.missing:
        labels = {f.name: f for f in letters.fields(kind_id)}
        named = ", ".join(f"--{m.replace('_', '-')} ({labels[m].label})" for m in letter.missing)
        parser.error(f"missing required field{'s' if len(letter.missing) > 1 else ''}: {named}")
    return letter


def _write(parser: argparse.ArgumentParser, letter: Letter, output: Path) -> None:
    """The letter alone (not the notes below it) as .docx or plain text."""
    if output.suffix.lower() == ".docx":
        from ccs_assist.letters import write_docx

        write_docx(letter, output)
    elif output.suffix.lower() in (".txt", ""):
        output.write_text(letter.text + "\n", encoding="utf-8")
    else:
        parser.error("-o must end in .txt or .docx")
