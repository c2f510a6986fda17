"""The Content Security Policy in a real browser: the journeys fail on anything it
refuses, and the pages that need script (GOV.UK Frontend, Swagger UI) still work under it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refused_inline_script_is_seen_and_would_fail_the_journey(page, live_server, request):
    page.goto(f"{live_server.url}/")
    # GOV.UK Frontend started: its body class came from the layout's nonced inline script.
    assert "govuk-frontend-supported" in page.eval_on_selector("body", "b => b.className")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
            const div = document.createElement("div");
            div.setAttribute("style", "color: red");
            document.body.appendChild(div);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.injected") is None  # the policy refused to run it
    watch = request.node._axe_watch
    assert any("script-src" in v for v in watch.csp_violations), watch.csp_violations
    watch.csp_violations.clear()  # seen; the journey's own pages must have none


def test_the_api_docs_work_under_the_policy(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    # Swagger UI's scripts ran (the nonce let them) and drew every operation.
    page.locator(".opblock").nth(5).wait_for(timeout=30_000)
    assert page.get_by_text("List your organisations").count() == 1
