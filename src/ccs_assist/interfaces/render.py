"""Plain-text rendering of an Answer for terminals: short answer first, sources set apart."""

from __future__ import annotations

import textwrap

from ccs_assist.knowledge.schema import Answer, Citation

WIDTH = 80


def wrap(text: str, width: int = WIDTH, indent: str = "") -> str:
    """Wrap each paragraph and list item on its own, keeping '- ' bullets hanging."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        bullet = line.startswith(("- ", "1. ", "2. "))
        hang = indent + ("   " if line.startswith(("1. ", "2. ")) else "  " if bullet else "")
        out.append(textwrap.fill(line, width=width, initial_indent=indent, subsequent_indent=hang))
    return "\n".join(out)


def render(answer: Answer, width: int = WIDTH, sources: bool = True) -> str:
    parts = [wrap(answer.answer, width)]
    if answer.referrals and not answer.fallback:
        names = "; ".join(r.name + (f" ({r.phone})" if r.phone else "") for r in answer.referrals)
        parts.append(wrap(f"Who decides / where to ask: {names}", width))
    if sources and answer.citations:
        lines = ["Sources:"]
        for citation in answer.citations:
            lines.append(wrap(f"- {citation_title(citation)}", width, indent="  "))
            if citation.url:
                lines.append(f"      {citation.url}")
        if answer.more_citations:
            lines.append(f"  ... and {len(answer.more_citations)} more (/sources)")
        parts.append("\n".join(lines))
    if answer.follow_ups:
        parts.append(wrap("You could also ask: " + " | ".join(answer.follow_ups[:3]), width))
    return "\n\n".join(parts)


def citation_title(citation: Citation) -> str:
    """What the source is, then its title and section; a background article's "section" is
    where its copy lies in this project, which means nothing to a parent, so it is left out."""
    section = citation.section if citation.section and citation.type != "seed" else None
    title = citation.title + (f", {section}" if section else "")
    return f"{citation.what}: {title}" if citation.what else title


def render_why(answer: Answer, width: int = WIDTH, topic: str | None = None) -> str:
    """Why this answer, in plain words first (what I took the question to be about, the facts
    I used, where they come from); then the links in the graph, for advocates checking it."""
    if answer.fallback:
        return wrap(
            "I did not answer that from my sources: I could not tell what the question was "
            "about, or it was about something my sources do not cover.",
            width,
        )
    about = topic or (answer.intent or "your question").replace("_", " ")
    lines = [wrap(f"I read this as a question about: {about}.", width)]
    if answer.basis:
        used = [b.label for b in answer.basis if b.kind != "source"][:5]
        lines.append(wrap("I used these facts: " + "; ".join(used) + ".", width))
    if answer.citations:
        named = [citation_title(c) for c in answer.citations]
        lines.append(wrap("They come from: " + "; ".join(named) + ".", width))
    lines.append(f"\n(For checking: intent {answer.intent}, confidence {answer.confidence:.2f})")
    if answer.entities:
        found = "; ".join(f"{k}: {', '.join(v)}" for k, v in answer.entities.items())
        lines.append(wrap(f"Recognized: {found}", width))
    if answer.walk:
        lines.append("Links followed:")
        lines.extend(f"  {s.source} --{s.type}--> {s.target}" for s in answer.walk)
    return "\n".join(lines)


def render_sources(answer: Answer, width: int = WIDTH) -> str:
    if not answer.citations:
        if answer.fallback:
            return (
                "I did not answer that from my sources, so there are none to show. The offices "
                "named in the answer can help."
            )
        return "That reply did not rest on any source."
    lines: list[str] = []
    for citation in [*answer.citations, *answer.more_citations]:
        title = citation_title(citation)
        lines.append(wrap(f"- {title}", width))
        if citation.url:
            lines.append(f"  {citation.url}")
    return "\n".join(lines)
