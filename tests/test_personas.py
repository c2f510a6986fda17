"""The shared persona matrix catches what it is for: a wrong answer and a refused POST
that still changed something. No database: a stand-in client answers."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import resolve_url

from tests.personas import LOGIN, Rule, matrix_failures, outcome


@dataclass
class Answer:
    status_code: int
    url: str = ""


class StandInClient:
    """Answers from a table; a POST to /leaky/ writes to the 'database' anyway."""

    def __init__(self, answers: dict[tuple[str, str], Answer], database: list):
        self.answers = answers
        self.database = database

    def get(self, url):
        return self.answers[("GET", url)]

    def post(self, url, data):
        if url == "/leaky/":
            self.database.append(data)
        return self.answers[("POST", url)]


RULES = [
    Rule("page", "/page/", {"member": 200, "outsider": 404}),
    Rule("leaky", "/leaky/", {"outsider": 404}, method="POST", data={"x": "1"}),
    Rule("members only", "/safe/", {"outsider": 403}, method="POST"),
]


def test_a_persona_that_gets_what_the_table_says_passes():
    database: list = []
    client = StandInClient(
        {("GET", "/page/"): Answer(200), ("POST", "/leaky/"): Answer(302)}, database
    )
    assert (
        matrix_failures(client, who="alice", role="member", rules=RULES, snapshot=database.copy)
        == []
    )


def test_a_wrong_status_and_a_refused_post_that_writes_are_both_reported():
    database: list = []
    client = StandInClient(
        {
            ("GET", "/page/"): Answer(200),
            ("POST", "/leaky/"): Answer(404),
            ("POST", "/safe/"): Answer(403),
        },
        database,
    )
    failures = matrix_failures(
        client, who="bob", role="outsider", rules=RULES, snapshot=database.copy
    )
    assert failures == [
        "GET page: expected 404, got 200",
        "POST leaky changed something",
    ]


def test_anonymous_users_must_be_sent_to_sign_in_everywhere():
    sign_in = Answer(302, url=f"{resolve_url(settings.LOGIN_URL)}?next=/page/")
    client = StandInClient(
        {
            ("GET", "/page/"): sign_in,
            ("POST", "/leaky/"): Answer(404),
            ("POST", "/safe/"): sign_in,
        },
        [],
    )
    failures = matrix_failures(
        client, who="anonymous", role="anonymous", rules=RULES, snapshot=list
    )
    assert failures == [f"POST leaky: expected {LOGIN}, got 404"]


def test_a_redirect_elsewhere_is_not_a_sign_in():
    assert outcome(Answer(302, url="/somewhere/")) == 302
    assert outcome(Answer(302, url=resolve_url(settings.LOGIN_URL))) == LOGIN
