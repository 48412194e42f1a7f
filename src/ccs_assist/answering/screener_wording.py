"""What the eligibility screener asks and says between its verdicts, in one place to edit."""

from __future__ import annotations

__all__ = ["INTRO", "QUESTIONS", "RETRY", "said_before"]

INTRO = (
    "Let's check the four CCS rules (age, where you live, income, and the medical "
    "condition). I'll ask one thing at a time. Say 'stop' at any time to leave the check."
)
QUESTIONS = {
    "age": "How old is your child? (for example: 7, or 18 months)",
    "residence": "Which California county does your child live in?",
    "medi_cal": "Does your child have full-scope Medi-Cal? (yes / no / not sure)",
    "income": "What was your family's adjusted gross income (AGI) on your last California tax "
    "return? (a number, like 52,000)",
    "cost": "About how much do you expect your child's care for the CCS condition to cost your "
    "family in a year? (a number, or 'not sure')",
    "condition": "What is your child's medical condition? (for example: cerebral palsy)",
}
RETRY = {
    "age": "Please give the age as a number, like 7 or '18 months'.",
    "residence": "Please give the name of a California county, like 'Fresno', or say 'not in "
    "California'.",
    "medi_cal": "Please answer yes, no, or not sure.",
    "income": "Please give a dollar amount, like 52,000, or say 'not sure'.",
    "cost": "Please give a dollar amount, like 9,000, or say 'not sure'.",
    "condition": "Please name the condition, for example 'spina bifida', or say 'not sure'.",
}


def said_before(step: str, given: str) -> str:
    """How the check repeats back what the parent said earlier."""
    if step == "age":
        return f"You told me your child is {given}."
    if step == "residence":
        return f"You told me you live in {given.title()} County."
    if step == "income":
        return f"You told me your family income is ${float(given):,.0f}."
    if step == "condition":
        return f"You told me your child has {given}."
    return f"You told me: {given}."
