"""Browser journeys in Debian's chromium (never a downloaded browser build).

Every page a journey loads, error states included, is checked with axe as it loads; a
journey with any violation of impact moderate or above fails at its end, listing them all.
The Content Security Policy is on (as in production): a journey during which the browser
refused anything under it (an inline script or style without the nonce, a style
attribute, a resource from elsewhere) fails at its end too, listing each refusal.
"""

from __future__ import annotations

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would otherwise refuse the ORM calls made by fixtures around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


FAILING_IMPACTS = ("moderate", "serious", "critical")
# Pages that are not ours to make accessible: Swagger UI's own page from the
# drf-spectacular-sidecar package (the crawl leaves it out too). The policy still applies.
NOT_AXE_CHECKED = ("/api/docs/",)
CSP_WORDS = ("Content Security Policy", "Refused to")
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "Content Security Policy violation: " + event.effectiveDirective + " refused " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""
AXE_RUN = Axe.run  # the journeys' own axe calls are made to wait for the watch (below)


class AxeWatch:
    """Runs axe on each document the page loads and keeps what it finds."""

    def __init__(self, page) -> None:
        self.page = page
        self.axe = Axe()
        self.found: list[str] = []
        self.checked: list[str] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._running = False
        self._again = False
        # A script error (GOV.UK Frontend failing to start a component, say) breaks the
        # page for its user as surely as an accessibility fault: keep those too.
        self.script_errors: list[str] = []
        # What the Content Security Policy refused: chromium says so on the console, and
        # the document's securitypolicyviolation event (reported by a script the browser
        # adds itself, outside the policy) names the directive even when it does not.
        self.csp_violations: list[str] = []
        page.on("load", lambda _page: self.check())
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        page.on("console", self._console)
        page.add_init_script(CSP_REPORTER)

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" and any(words in text for words in CSP_WORDS):
            entry = f"{self.page.url}: {text}"
            if entry not in self.csp_violations:
                self.csp_violations.append(entry)

    def check(self) -> None:
        # Playwright can deliver a load event while a check waits on the browser: run
        # again after the current check instead of starting a second axe run.
        if self._running:
            self._again = True
            return
        self._running = True
        try:
            self._check()
            while self._again:
                self._again = False
                self._check()
        finally:
            self._running = False

    def wait_until_idle(self) -> None:
        """Let a check that a load event started finish; Playwright runs event handlers
        while the test itself waits, so a check can be half done when the test goes on."""
        while self._running and not self.page.is_closed():
            self.page.wait_for_timeout(50)

    def _check(self) -> None:
        url = self.page.url
        if not url.startswith("http"):
            return
        path = "/" + url.split("/", 3)[-1] if url.count("/") >= 3 else url
        if path.startswith(NOT_AXE_CHECKED):
            return
        found = self._failing(url)
        if found is None:
            return
        self.checked.append(url)
        if found:
            # A document caught as the next one replaces it (an empty <html>, say) shows
            # faults the page never has: report only what a second look at rest finds too.
            again = self._failing(url)
            found = {key: v for key, v in found.items() if key in again} if again else {}
        for (violation_id, targets), violation in found.items():
            key = (path, violation_id, targets)
            if key in self._seen:
                continue
            self._seen.add(key)
            self.found.append(
                f"{path}: {violation_id} ({violation['impact']}): {violation['help']} [{targets}]"
            )

    def _failing(self, url: str) -> dict[tuple[str, str], dict] | None:
        """axe's moderate-or-worse violations on the document at `url`, keyed by rule and
        targets; None when the page is not a whole loaded document at `url` throughout."""
        try:
            if self.page.evaluate("document.readyState") != "complete":
                return None  # its load event comes later and checks it then
            results = AXE_RUN(self.axe, self.page)
        except Exception as error:  # the document went away mid-run: the next load is checked
            if any(
                words in str(error)
                for words in ("context was destroyed", "navigat", "Axe is already running")
            ):
                return None
            raise
        if self.page.url != url:
            return None
        failing = {}
        for violation in results.response["violations"]:
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            targets = ", ".join(
                " ".join(node["target"]) for node in violation["nodes"][:3] if node["target"]
            )
            failing[(violation["id"], targets)] = violation
        return failing


@pytest.fixture
def page(page, request, monkeypatch):
    """Playwright's page, with every loaded document checked by axe."""
    watch = AxeWatch(page)
    request.node._axe_watch = watch

    def run_when_idle(axe, page, *args, **kwargs):
        watch.wait_until_idle()
        return AXE_RUN(axe, page, *args, **kwargs)

    monkeypatch.setattr(Axe, "run", run_when_idle)
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # a journey that failed already reports its own failure
    watch = getattr(item, "_axe_watch", None)
    if watch is not None:
        watch.wait_until_idle()
        if not watch.page.is_closed():
            # The page the journey ended on, which may have changed in place, seen at rest:
            # a link the journey last clicked (a download) keeps GOV.UK's yellow focus
            # style, which axe would take for a link told apart by colour alone.
            watch.page.evaluate("document.activeElement && document.activeElement.blur()")
            watch.check()
        if watch.csp_violations:
            raise AssertionError(
                "the browser refused something under the Content Security Policy:\n"
                + "\n".join(watch.csp_violations)
            )
        if watch.script_errors:
            raise AssertionError(
                "the browser reported script errors:\n" + "\n".join(watch.script_errors)
            )
        if watch.found:
            raise AssertionError(
                f"axe found {len(watch.found)} accessibility problem"
                f"{'' if len(watch.found) == 1 else 's'} (moderate or worse):\n"
                + "\n".join(watch.found)
            )
    return result


def pytest_collection_modifyitems(config, items):
    from tests.conftest import IN_CI

    if IN_CI or os.path.exists(CHROMIUM):
        return
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(
                pytest.mark.skip(reason="needs Debian's chromium (apt-get install chromium)")
            )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def signed_in_page(page, live_server):
    """sign_in(user) -> the page, signed in through the real sign-in form."""
    from tests.factories import PASSWORD

    def sign_in(user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        secret = authenticator_for(user)
        page.get_by_role("button", name="Sign in").click()
        if secret:
            give_code(page, user, secret)
        return page

    return sign_in


def authenticator_for(user) -> str | None:
    """Staff sign in with a second factor: the secret of their authenticator app (the
    demo's, or one with a known secret set up for them now). None for everyone else."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    from accounts.security import needs_second_factor
    from tests import totp

    if not needs_second_factor(user):
        return None
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if found is None:
        found = totp.give_authenticator(user)
    return decrypt(found.data["secret"])


def give_code(page, user, secret: str) -> None:
    """The sign-in's second step: the code the authenticator app shows now."""
    from tests import totp

    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Sign-in code").fill(totp.code(secret, user=user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
