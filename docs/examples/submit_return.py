#!/usr/bin/env python3
"""Submit a quarterly monitoring return from a CSV file, through the API.

    python submit_return.py --url https://grants.example.org --token scg_... figures.csv
    python submit_return.py --url ... --token ... --return <uuid> --no-submit figures.csv

The CSV is the one the return page downloads: measure_code,category,value (category blank
for a measure's total). Without --return it fills in your newest return that is still open
(not started, draft, or sent back for changes). The standard library only.

Exit status: 0 done; 1 the API refused (its errors are printed, each naming the measure);
2 the request could not be made.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import urllib.error
import urllib.request
import uuid

OPEN = {"not_started", "draft", "changes_requested"}


class Refused(Exception):
    def __init__(self, status: int, problem: dict) -> None:
        super().__init__(problem.get("detail", ""))
        self.status = status
        self.problem = problem


def call(base: str, token: str, method: str, path: str, body=None, headers=None):
    """One request; returns (JSON body, response headers) or raises Refused."""
    data = None if body is None else json.dumps(body).encode()
    url = base.rstrip("/") + path
    if not url.startswith(("https://", "http://")):
        raise SystemExit("--url must start with https:// (or http:// for a local server)")
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310  # checked above
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # the URL is the user's own
            return json.loads(response.read() or b"null"), response.headers
    except urllib.error.HTTPError as error:
        try:
            problem = json.loads(error.read())
        except ValueError:
            problem = {"detail": error.reason}
        raise Refused(error.code, problem) from None


def read_csv(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "measure": row["measure_code"],
            "category": row.get("category") or "",
            "value": row["value"],
        }
        for row in rows
        if (row.get("value") or "").strip()
    ]


def newest_open_return(base: str, token: str) -> str:
    page, _ = call(base, token, "GET", "/api/v1/returns/")
    for found in page["results"]:
        if found["status"] in OPEN and found["is_current"]:
            return found["uuid"]
    raise SystemExit("You have no return open for figures.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="measure_code,category,value")
    parser.add_argument("--url", required=True, help="the service's address")
    parser.add_argument("--token", required=True, help="an API token with returns:write")
    parser.add_argument("--return", dest="return_uuid", help="the return's uuid")
    parser.add_argument("--no-submit", action="store_true", help="save the figures only")
    args = parser.parse_args(argv)
    try:
        return_uuid = args.return_uuid or newest_open_return(args.url, args.token)
        path = f"/api/v1/returns/{return_uuid}/"
        current, headers = call(args.url, args.token, "GET", path)
        print(
            f"{current['period']} return for {current['contract']['reference']}: {current['status']}"
        )
        figures = read_csv(args.csv)
        _, headers = call(
            args.url,
            args.token,
            "PUT",
            path + "figures/",
            {"figures": figures},
            {"If-Match": headers["ETag"]},
        )
        print(f"Saved {len(figures)} figures.")
        if args.no_submit:
            return 0
        # The same key on a retry returns the first answer instead of submitting twice.
        done, _ = call(
            args.url,
            args.token,
            "POST",
            path + "submit/",
            None,
            {"Idempotency-Key": str(uuid.uuid4()), "If-Match": headers["ETag"]},
        )
        print(f"Submitted: the return is now {done['status']}.")
        return 0
    except Refused as refused:
        print(f"Refused ({refused.status}): {refused.problem.get('detail', '')}", file=sys.stderr)
        for error in refused.problem.get("errors", []):
            print(f"  {error['path']}: {error['message']}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as error:
        print(f"Could not reach {args.url}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
