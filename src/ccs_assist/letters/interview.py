"""The chat side of letters: one question at a time, like the eligibility screener.

For whoever wires it into the conversation (conversation/letter_turns.py):

    from ccs_assist.letters import LetterInterview, Letters, menu_text
    from ccs_assist.letters.interview import LetterReply

    letters = Letters.load(assistant.kg)            # once per Assistant
    kind = letters.pick(question)                   # str | None: a kind from the parent's words,
                                                    # by the letter files' titles and aliases
    menu_text(letters)                              # str: the kinds, numbered, when pick is None

    interview = LetterInterview(letters, today=None)   # today: a date, default California's
    text: str = interview.start(kind, known={"county": "Fresno"})
        # asks only for fields not in `known` (unknown keys and unreadable values are ignored);
        # if nothing is missing the letter is shown at once (interview.done is then True)
    reply: LetterReply = interview.handle(parent_text)
        # reply.text      what to show
        # reply.handled   False: not an answer (a side question ending in '?', or any text
        #                 after the letter is done); answer it yourself, then, while not done,
        #                 add interview.current_question()
        # reply.asking    the field asked now (None when done or stopped)
        # reply.done      the letter is finished: reply.letter is the Letter, and reply.text
        #                 shows it with the deadline and next steps below it
        # reply.stopped   the parent said stop: drop the interview; nothing was kept
    interview.current_question() -> str
    interview.kind -> str, interview.done -> bool, interview.letter -> Letter | None
    interview.to_state() -> dict / LetterInterview.from_state(letters, data, today=None)

The parent can fix an answer at any point, before or after the letter is shown: "change school
to Lincoln Elementary", "fix my name to Ana Ruiz", "change the date of birth" (then asked).
'skip' leaves out an optional field; 'stop' leaves.

Privacy: the answers live in this object only. `to_state` exists so a conversation held in a
session store can resume; it holds the parent's answers, so it lives only as long as the
session. Nothing here writes or logs anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ccs_assist.letters.collection import Letters
from ccs_assist.letters.dates import california_today
from ccs_assist.letters.models import Letter, LetterError, LetterField
from ccs_assist.text import words

__all__ = ["LetterInterview", "LetterReply", "menu_text"]

STOP = frozenset({"stop", "cancel", "quit", "exit", "nevermind", "never mind", "forget it"})
SKIP = frozenset(
    {
        "skip",
        "pass",
        "none",
        "no",
        "n a",
        "na",
        "not sure",
        "i do not know",
        "do not know",
        "idk",
        "leave it out",
        "no thanks",
    }
)
_CHANGE = re.compile(
    r"^\s*(?:please\s+)?(?:change|fix|update|correct|edit|set|make)\s+(?P<what>.+?)"
    r"(?:\s+(?:to|as|into|=)\s+(?P<value>.+?))?\s*[.!]?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_LEADING = re.compile(r"^(?:the|my|his|her|our|their|your)\s+")


def menu_text(letters: Letters) -> str:
    """The letter kinds, numbered, for a parent who asked for 'a letter' without saying which."""
    lines = ["I can help you write these letters:"]
    lines += [f"{n}. {kind.title}" for n, kind in enumerate(letters.kinds(), start=1)]
    return "\n".join(lines)


@dataclass
class LetterReply:
    """What the interview says back to one message."""

    text: str
    handled: bool = True
    asking: str | None = None
    done: bool = False
    stopped: bool = False
    letter: Letter | None = None


def _norm(text: str) -> str:
    return " ".join(words(text))


@dataclass
class LetterInterview:
    """Fills one letter, one field at a time."""

    letters: Letters
    today: date | None = None
    kind: str = ""
    values: dict[str, str] = field(default_factory=dict)
    asking: str | None = None
    done: bool = False
    letter: Letter | None = None
    planned: int = 0  # how many questions this interview set out to ask, for "(2 of 7)"

    # ---- the interface -------------------------------------------------------------------

    def start(self, kind: str, known: Mapping[str, str] | None = None) -> str:
        """Begin a letter; LetterError for an unknown kind."""
        info = self.letters.kind(kind)
        self.kind, self.values, self.done, self.letter = kind, {}, False, None
        for spec in info.fields:
            given = (known or {}).get(spec.name)
            if not given:
                continue
            try:
                value = self.letters.clean_value(kind, spec.name, given, self._today())
            except LetterError:
                continue  # unreadable: ask for it instead
            if value:
                self.values[spec.name] = value
        todo = [f for f in self._fields() if f.name not in self.values and f.default is None]
        self.planned = len(todo)
        intro = (
            f'Let\'s write your letter: "{info.title}". {info.summary} '
            f"I'll ask {len(todo)} short question{'s' if len(todo) != 1 else ''}, one at a time. "
            "Say 'skip' for one you want to leave out (if it can be left out), 'change school "
            "to ...' to fix an answer, or 'stop' to leave. I use your answers only to write "
            "this letter."
        )
        reply = self._advance(intro)
        return reply.text

    def handle(self, text: str) -> LetterReply:
        """Take one message from the parent."""
        if not self.kind:
            raise LetterError("the letter interview has not started")
        said = " ".join(text.split())
        folded = _norm(said)
        if folded in STOP:
            self.values.clear()
            self.kind, self.asking, self.done, self.letter = "", None, False, None
            return LetterReply(
                "OK, I stopped the letter. I did not keep anything you typed.", stopped=True
            )
        change = _CHANGE.match(said)
        if change and (found := self._resolve(change.group("what"))):
            return self._change(found, change.group("value"))
        if self.done or self.asking is None:
            return LetterReply("", handled=False, done=self.done, letter=self.letter)
        spec = self._spec(self.asking)
        if folded in SKIP and spec.optional:
            self.values[spec.name] = ""
            return self._advance("OK, I'll leave that out.")
        if said.endswith("?") and spec.type != "date":
            return LetterReply("", handled=False, asking=self.asking)
        if not folded:
            return LetterReply(self._retry(spec, None), asking=spec.name)
        try:
            value = self.letters.clean_value(self.kind, spec.name, said, self._today())
        except LetterError as error:
            if said.endswith("?"):  # not a date after all: a side question
                return LetterReply("", handled=False, asking=self.asking)
            return LetterReply(self._retry(spec, error), asking=spec.name)
        if folded in SKIP and not spec.optional:
            return LetterReply(f"I need {spec.label} for the letter. {spec.ask}", asking=spec.name)
        self.values[spec.name] = value
        return self._advance("Thanks.")

    def current_question(self) -> str:
        if self.asking is None:
            return ""
        return self._spec(self.asking).ask

    def to_state(self) -> dict[str, object]:
        """Plain JSON data (it holds the parent's answers: keep it no longer than the session)."""
        return {
            "kind": self.kind,
            "values": dict(self.values),
            "asking": self.asking,
            "done": self.done,
        }

    @classmethod
    def from_state(
        cls, letters: Letters, data: Mapping[str, object], today: date | None = None
    ) -> LetterInterview:
        """An interview `to_state` saved; ValueError for data that is not one."""
        kind, values, asking = data.get("kind"), data.get("values"), data.get("asking")
        if not isinstance(kind, str) or kind not in letters or not isinstance(values, dict):
            raise ValueError("not a saved letter interview")
        names = {f.name for f in letters.fields(kind)}
        if asking is not None and asking not in names:
            raise ValueError("not a saved letter interview")
        if not all(
            isinstance(k, str) and k in names and isinstance(v, str) for k, v in values.items()
        ):
            raise ValueError("not a saved letter interview")
        interview = cls(
            letters, today, kind, dict(values), asking if isinstance(asking, str) else None
        )
        interview.planned = len([f for f in letters.fields(kind) if f.default is None])
        if data.get("done") is True:
            interview._finish("")
        return interview

    # ---- steps ---------------------------------------------------------------------------

    def _today(self) -> date:
        return self.today or california_today()

    def _fields(self) -> list[LetterField]:
        return self.letters.fields(self.kind)

    def _spec(self, name: str) -> LetterField:
        return next(f for f in self._fields() if f.name == name)

    def _advance(self, lead: str) -> LetterReply:
        """Ask the next field not yet answered, or show the letter when none is left."""
        todo = [f for f in self._fields() if f.name not in self.values and f.default is None]
        if not todo:
            return self._finish(lead)
        self.asking = todo[0].name
        total = max(self.planned, len(todo))
        return LetterReply(
            f"{lead}\n({total - len(todo) + 1} of {total}) {todo[0].ask}", asking=self.asking
        )

    def _finish(self, lead: str) -> LetterReply:
        self.asking, self.done = None, True
        self.letter = self.letters.make_letter(self.kind, self.values, self._today())
        text = (
            f"{lead}\nHere is your letter. Check every detail before you send it.\n\n"
            f"{self.letter.full_text()}\n\nTo fix something, say for example 'change school to "
            "Lincoln Elementary'."
        ).lstrip()
        return LetterReply(text, done=True, letter=self.letter)

    def _retry(self, spec: LetterField, error: LetterError | None) -> str:
        if spec.type == "date":
            example = "November 3, 2026"
            problem = str(error).split(": ", 1)[-1] if error else "I didn't get a date"
            return f"Sorry, {problem}. Please write a date like {example}.\n{spec.ask}"
        if error is not None:
            return f"Sorry, {str(error).split(': ', 1)[-1]}.\n{spec.ask}"
        return spec.ask

    def _resolve(self, what: str) -> LetterField | None:
        """The field a parent names in 'change ... to ...'; None when it is not clear."""
        target = _norm(what)
        bare = _norm(_LEADING.sub("", what.strip().lower()))
        names: dict[str, set[str]] = {
            f.name: {_norm(n) for n in (f.name.replace("_", " "), f.label, *f.aliases)}
            for f in self._fields()
        }
        for wanted in (target, bare):
            exact = [name for name, said in names.items() if wanted in said]
            if len(exact) == 1:
                return self._spec(exact[0])
        tokens = set(bare.split())
        if not tokens:
            return None
        partial = [
            name for name, said in names.items() if any(tokens <= set(n.split()) for n in said)
        ]
        return self._spec(partial[0]) if len(partial) == 1 else None

    def _change(self, spec: LetterField, value: str | None) -> LetterReply:
        if value is None or not value.strip():
            self.asking, self.done, self.letter = spec.name, False, None
            self.values.pop(spec.name, None)
            return LetterReply(f"OK. {spec.ask}", asking=spec.name)
        try:
            cleaned = self.letters.clean_value(self.kind, spec.name, value.strip(), self._today())
        except LetterError as error:
            return LetterReply(
                self._retry(spec, error), asking=self.asking, done=self.done, letter=self.letter
            )
        self.values[spec.name] = cleaned
        lead = f"Changed {spec.label}."
        if self.done:
            return self._finish(lead)
        current = self._spec(self.asking) if self.asking else None
        if current is not None and current.name != spec.name:
            return LetterReply(f"{lead}\n{current.ask}", asking=self.asking)
        return self._advance(lead)
