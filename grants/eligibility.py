"""The eligibility checker: questions, and what a 'no' means in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from core.govuk import GovukFormMixin

YES_NO = [("yes", "Yes"), ("no", "No")]


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    hint: str
    eligible_answer: str
    why: str
    instead: str
    error: str  # said when the question is not answered


QUESTIONS = [
    Question(
        "west_yorkshire",
        "Is your organisation based in West Yorkshire, or does it serve people who live here?",
        "Bradford, Calderdale, Kirklees, Leeds or Wakefield",
        "yes",
        "The fund only pays for work that benefits people in West Yorkshire.",
        "Look for community safety funding from the police and crime commissioner where your work takes place.",
        "Select yes if your organisation is based in West Yorkshire or serves people who live here",
    ),
    Question(
        "organisation_type",
        "Are you a voluntary or community group, charity, social enterprise, not-for-profit company or West Yorkshire public body?",
        "We cannot fund individuals or profit-making businesses",
        "yes",
        "The fund can only pay organisations that are not run for private profit.",
        "Partner with a local charity or community group that could apply and run the project with you.",
        "Select yes if your organisation is a voluntary or community group, charity, social enterprise, not-for-profit company or public body",
    ),
    Question(
        "governing_document",
        "Does your organisation have a governing document, such as a constitution, set of rules or articles?",
        "It should say what your group is for and how it is run",
        "yes",
        "We need to see how your group is run and who is responsible for the money.",
        "Adopt a simple constitution at a committee meeting first: a local infrastructure organisation or council for voluntary service can give you a free template.",
        "Select yes if your organisation has a governing document",
    ),
    Question(
        "bank_account",
        "Does your organisation have a bank account in its own name, with at least two unrelated people to sign or approve payments?",
        "Unrelated means not married, partners, relatives or living at the same address",
        "yes",
        "Grants are paid only into an account in the organisation's name that two unrelated people control, to protect public money and your group.",
        "Open a community bank account in the group's name with two unrelated signatories, then apply.",
        "Select yes if your group has a bank account in its own name",
    ),
    Question(
        "safeguarding",
        "Do you have a safeguarding policy that covers the people your project will work with?",
        "You will need to upload it with your application",
        "yes",
        "Every funded project must keep children and adults at risk safe.",
        "Write and adopt a safeguarding policy first: the NSPCC and your local safeguarding partnership publish free templates.",
        "Select yes if you have a safeguarding policy that covers the people your project will work with",
    ),
    Question(
        "twelve_months",
        "Will your project finish within 12 months of starting?",
        "",
        "yes",
        "The fund pays for projects lasting no more than 12 months.",
        "Apply for the first 12 months of the work now, and plan how you will fund what comes after.",
        "Select yes if your project will finish within 12 months of starting",
    ),
    Question(
        "excluded_costs",
        "Are you asking for any of these: food and refreshments, general appeals, buildings or major capital works, or work a public body has a legal duty to do?",
        "",
        "no",
        "The fund does not pay for these costs.",
        "Leave these costs out of your budget and pay for them from other sources; you can still apply for the rest.",
        "Select yes if you are asking for food, general appeals, buildings or work a public body must do",
    ),
]


class EligibilityForm(GovukFormMixin, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.name] = forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": question.error, "invalid_choice": question.error},
            )

    def failed(self) -> list[Question]:
        """The questions whose answers make the group ineligible."""
        return [q for q in QUESTIONS if self.cleaned_data.get(q.name) != q.eligible_answer]
