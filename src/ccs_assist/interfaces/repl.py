"""The chat a parent types into: a thin prompt-toolkit shell over `Assistant.conversation()`.

No answering logic lives here: each line is either a slash command (which only shows or resets
what the conversation already holds) or a question passed to `Conversation.ask`, and every answer
is printed with `render`. When standard input is not a terminal (questions piped in) the same
commands run line by line with no prompt, welcome or goodbye, and the exit status is 0.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ccs_assist.assistant import Assistant
from ccs_assist.conversation.dialogue import Conversation
from ccs_assist.errors import QuestionError
from ccs_assist.interfaces.render import WIDTH, render, render_sources, render_why, wrap
from ccs_assist.knowledge.schema import Answer

if TYPE_CHECKING:
    from prompt_toolkit.completion import CompleteEvent, Completion
    from prompt_toolkit.document import Document
    from prompt_toolkit.history import History
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

APP_NAME = "ccs-assist"
PROMPT = "you> "

WELCOME = (
    "ccs-assist answers questions about California Children's Services (CCS), its Medical "
    "Therapy Program and your child's IEP at school, with the sources behind each answer. "
    "This is information, not legal advice. Type /help for commands; Ctrl-D to leave."
)

COMMANDS: dict[str, str] = {
    "/help": "this list",
    "/why": "how the last answer was found: the graph walk and its sources",
    "/sources": "all the sources of the last answer",
    "/screen": "check if your child may qualify for CCS, one question at a time",
    "/letter": "write a letter to the school or CCS, one question at a time",
    "/reset": "forget this conversation and start over",
    "/quit": "leave (Ctrl-D works too)",
}
ALIASES = {"/exit": "/quit", "/bye": "/quit", "/?": "/help", "/source": "/sources"}

EXAMPLES = (
    "Is spina bifida covered by CCS?",
    "Does CCS cover physical therapy for cerebral palsy?",
    "And at school?",
    "What is an IEE?",
    "Can the school make me use CCS instead of giving therapy in the IEP?",
)

NOTHING_YET = "Nothing to show yet: ask a question, then {command} shows {what}."


@dataclass
class Reply:
    """What a line produced: text to print (may be empty) and whether to stop."""

    text: str = ""
    quit: bool = False


class Shell:
    """The commands and the asking, shared by the interactive chat and piped mode."""

    def __init__(self, assistant: Assistant, width: int = WIDTH) -> None:
        self.assistant = assistant
        self.chat: Conversation = assistant.conversation()
        self.width = width

    def handle(self, line: str | bytes) -> Reply:
        if isinstance(line, bytes):  # a piped line that is not UTF-8: let the library refuse it
            return self._ask(line)
        text = line.strip()
        if not text:
            return Reply()
        if text.startswith("/"):
            return self.command(text)
        return self._ask(text)

    def command(self, text: str) -> Reply:
        name = text.split()[0].lower()
        name = ALIASES.get(name, name)
        last = self.chat.last
        if name == "/quit":
            return Reply(quit=True)
        if name == "/help":
            return Reply(self.help())
        if name == "/why":
            if last is None:
                return Reply(
                    wrap(NOTHING_YET.format(command="/why", what="how I found it"), self.width)
                )
            intent = self.assistant.catalogue.intents.get(last.intent or "")
            topic = intent.spec.title if intent else None
            why = render_why(last, self.width, topic)
            return Reply(why + "\n\nSources:\n" + self._sources(last))
        if name == "/sources":
            if last is None:
                return Reply(
                    wrap(NOTHING_YET.format(command="/sources", what="its sources"), self.width)
                )
            return Reply(self._sources(last))
        if name == "/screen":
            if self.chat.screener is not None:  # already screening: start again from the top
                self.chat.ask("stop")
            return self._ask("check eligibility")
        if name == "/letter":
            return self._ask("help me write a letter")
        if name == "/reset":
            self.chat.reset()
            return Reply("OK, I've forgotten this conversation. What would you like to know?")
        return Reply(f"Unknown command {name}. Type /help to see the commands.")

    def help(self) -> str:
        lines = ["Commands:"]
        lines += [f"  {name:<10}{what}" for name, what in COMMANDS.items()]
        lines += ["", "Ask in your own words, for example:"]
        lines += [f"  {example}" for example in EXAMPLES]
        lines += [
            "",
            wrap(
                "Tab completes the names of conditions, programs and services. "
                "Ctrl-C clears the line. This is information, not legal advice.",
                self.width,
            ),
        ]
        return "\n".join(lines)

    def _ask(self, question: str | bytes) -> Reply:
        try:
            answer = self.chat.ask(question)
        except QuestionError as error:
            return Reply(wrap(f"Sorry, {error}.", self.width))
        return Reply(render(answer, self.width))

    def _sources(self, answer: Answer) -> str:
        return render_sources(answer, self.width)


# ---- completion and history ------------------------------------------------------------------


def make_completer(terms: Iterable[str], commands: Iterable[str] = COMMANDS):
    """Tab completion of slash commands and the graph's (often multi-word) names."""
    from prompt_toolkit.completion import Completer, Completion

    names: list[str] = []
    seen: set[str] = set()
    for term in terms:
        if term.lower() not in seen:
            seen.add(term.lower())
            names.append(term)
    slash = sorted(commands)

    class TermCompleter(Completer):
        """Completes the longest tail of the line that starts a known name ("cerebral pa")."""

        def get_completions(
            self, document: Document, complete_event: CompleteEvent
        ) -> Iterator[Completion]:
            before = document.text_before_cursor
            if before.lstrip().startswith("/") and " " not in before.strip():
                typed = before.strip().lower()
                for command in slash:
                    if command.startswith(typed):
                        yield Completion(command, start_position=-len(before.lstrip()))
                return
            for tail in _tails(before):
                found = [n for n in names if n.lower().startswith(tail.lower())]
                if found:
                    for name in found:
                        yield Completion(name, start_position=-len(tail))
                    return

    return TermCompleter()


def _tails(text: str, most: int = 5) -> list[str]:
    """The line's last 1..most words as suffixes, longest first; none if it ends in a space."""
    if not text or text[-1].isspace():
        return []
    starts = [
        i for i, ch in enumerate(text) if not ch.isspace() and (i == 0 or text[i - 1].isspace())
    ]
    return [text[i:] for i in starts[-most:]]


def history_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "history"


def make_history(path: Path | None = None) -> History:
    """Persistent history in the user's data directory, or in memory if it cannot be written."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    path = path or history_path()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Parents type their children's medical details: the history is for their eyes only.
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


# ---- the two ways in ---------------------------------------------------------------------------


def interactive(
    assistant: Assistant,
    *,
    input: Input | None = None,
    output: Output | None = None,
    history: History | None = None,
    out: TextIO | None = None,
    width: int | None = None,
) -> int:
    """The prompt-toolkit chat; `input`/`output`/`out` are for driving it headless in tests."""
    from prompt_toolkit import PromptSession

    out = out or sys.stdout
    width = width or min(WIDTH, max(40, shutil.get_terminal_size((WIDTH, 24)).columns))
    shell = Shell(assistant, width)
    session: PromptSession[str] = PromptSession(
        input=input,
        output=output,
        history=history if history is not None else make_history(),
        completer=make_completer(assistant.terms()),
        complete_while_typing=False,
    )
    print(wrap(WELCOME, width), file=out, flush=True)
    while True:
        try:
            line = session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        try:
            reply = shell.handle(line)
        except KeyboardInterrupt:
            continue
        if reply.quit:
            break
        if reply.text:
            print("", reply.text, "", sep="\n", file=out, flush=True)
    print("Goodbye.", file=out, flush=True)
    return 0


def piped(assistant: Assistant, lines: Iterable[bytes | str], out: TextIO) -> int:
    """Questions from a pipe: answer each non-blank line in turn, a blank line between answers."""
    shell = Shell(assistant)
    first = True
    for raw in lines:
        line: str | bytes = raw
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.strip()
        if isinstance(line, str):
            line = line.removeprefix("\ufeff")
        reply = shell.handle(line)
        if reply.quit:
            break
        if not reply.text:
            continue
        if not first:
            out.write("\n")
        out.write(reply.text + "\n")
        out.flush()
        first = False
    return 0


def run(graph: Path | None = None) -> int:
    """`ccs-assist` / `ccs-assist chat`: the chat on a terminal, line-by-line answers on a pipe."""
    assistant = Assistant(graph)
    if not sys.stdin.isatty():
        return piped(assistant, sys.stdin.buffer, sys.stdout)
    return interactive(assistant)
