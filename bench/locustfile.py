"""Load test of the screens (issue 9, item 2), run by bench/load_bench.py: caseworkers
(queue, person overview, case, decision draft saved, search) and provider leaders (order
inbox, an adjustment saved, delivered time), each logged in as the demo users. The ids to
visit come from a JSON file (LOAD_DATA) that load_bench.py writes from the database."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from urllib.parse import urlsplit

from form_fields import FormFields
from locust import HttpUser, between, task

with open(os.environ["LOAD_DATA"], encoding="utf-8") as _file:
    DATA = json.load(_file)
_drafts = itertools.cycle(DATA["drafts"])
_orders = itertools.cycle(DATA["orders"])


def view(client, url: str, name: str):
    """GET a screen; a redirect (to the login page, say) is an error, not a fast answer."""
    with client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
        return response


def save_form(client, page_url: str, name: str, action: str = "",
              fill: dict | None = None) -> None:
    """GET the page and POST one of its forms back (to ``action``, the page itself when
    empty) as a browser would, with the fields in ``fill`` typed in."""
    page = view(client, page_url, f"{name} (vis)")
    parser = FormFields(action)
    parser.feed(page.text)
    fields = [(k, v) for k, v in parser.fields if k not in (fill or {})]
    fields += list((fill or {}).items())
    with client.post(action or page_url, data=fields, name=name, allow_redirects=False,
                     headers={"Referer": client.base_url + page_url},
                     catch_response=True) as response:
        if response.status_code not in (200, 302):
            heading = re.search(r"<h1[^>]*>(.*?)</h1>", response.text or "", re.S)
            response.failure(f"{response.status_code} {heading.group(1) if heading else ''}")


class Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    sessions: itertools.cycle

    def on_start(self):
        """Signed in by a session load_bench.py made (no password hashing in the run);
        the first page gives the CSRF cookie."""
        # The server's own cookie domain, so its refreshed cookie replaces this one.
        self.client.cookies.set("sessionid", next(self.sessions),
                                domain=urlsplit(self.host).hostname)
        view(self.client, "/", "innlogging (første side)")


class Caseworker(Signed):
    weight = 3
    sessions = itertools.cycle(DATA["caseworker_sessions"])

    def on_start(self):
        super().on_start()
        self.draft = next(_drafts)  # one draft per user: no two save the same decision

    @task(4)
    def queue(self):
        view(self.client, "/saker/", "saksbehandler: mine saker")

    @task(4)
    def person(self):
        view(self.client, f"/personer/{random.choice(DATA['persons'])}/",
             "saksbehandler: personoversikt")

    @task(3)
    def case(self):
        view(self.client, f"/saker/{random.choice(DATA['cases'])}/", "saksbehandler: sak")

    @task(2)
    def search(self):
        token = self.client.cookies.get("csrftoken")
        with self.client.post("/personer/sok/", {"q": random.choice(DATA["searches"]),
                                                 "csrfmiddlewaretoken": token},
                              headers={"Referer": self.host + "/personer/sok/"},
                              name="saksbehandler: søk", catch_response=True) as response:
            if response.status_code != 200 or 'id="h-results"' not in response.text:
                response.failure(f"{response.status_code}")

    @task(1)
    def draft_saved(self):
        save_form(self.client, f"/vedtak/{self.draft}/utkast/", "saksbehandler: lagre utkast")


class ProviderLeader(Signed):
    weight = 2
    sessions = itertools.cycle(DATA["provider_sessions"])

    def on_start(self):
        super().on_start()
        self.order = next(_orders)

    @task(4)
    def inbox(self):
        view(self.client, "/bestillinger/", "tjenesteyter: bestillinger")

    @task(2)
    def adjust(self):
        save_form(self.client, f"/bestillinger/{self.order}/", "tjenesteyter: lagre justering",
                  action=f"/bestillinger/{self.order}/juster/",
                  fill={"change": "Besøket flyttes en halvtime (lasttest).",
                        "reason": "Ønske fra brukeren."})

    @task(3)
    def delivered(self):
        view(self.client, f"/levert-tid/enheter/{DATA['unit']}/", "tjenesteyter: levert tid")


class Floor(HttpUser):
    """The framework's floor: a view that reads one row (the health check)."""

    weight = 1
    wait_time = between(0.5, 2.0)

    @task
    def health(self):
        view(self.client, "/helse/", "gulv: én rad")
