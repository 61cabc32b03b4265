"""A local fake of KS Fiks SvarUt for contract tests (no network beyond 127.0.0.1).

Follows ks-no/fiks-svarut-klient ``openapi/forsendelse-send-api-v2.json`` (send),
``forsendelse-status-api-v1.json`` (status-sok) and ``forsendelse-eksternref-api-v1.json``
(lookup by eksternRef), under the base path ``/api`` as on svarut.ks.no:

- ``POST /api/v2/kontoer/{kontoId}/forsendelser``: multipart, first part ``forsendelse``
  (JSON ``Forsendelse``), then one part per document whose filename matches
  ``dokumenter[].filnavn``. Answers ``{"id": uuid}``.
- ``GET  /api/v2/kontoer/{kontoId}/forsendelser?eksternRef=...``: ``{"forsendelseIds"}``.
- ``POST /api/v2/kontoer/{kontoId}/forsendelser/status-sok``: ``{"statuser": [...]}``.

Errors use the spec's ``ErrorMessage``. The server can be taken down (the port is closed,
so connections are refused) and brought up again on the same port, or told to answer
every request with a given status code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.parser
import email.policy
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STATUSES = {"MOTTATT", "AKSEPTERT", "AVVIST", "VARSLET", "LEST", "SENDT_PRINT", "PRINTET",
            "MANUELT_HANDTERT", "SENDT_DIGITALT", "SENDT_SDP", "LEVERT_SDP",
            "KLAR_FOR_MOTTAK", "IKKE_LEVERT"}
FORBIDDEN_IN_FILENAME = set('*:"\\/<>|?')
PATH = re.compile(r"^/api/v2/kontoer/(?P<konto>[^/]+)/forsendelser(?P<rest>/status-sok)?/?$")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    forsendelse: dict | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    body: bytes = b""


class ValidationError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def validate_forsendelse(data: dict, files: list[tuple[str, bytes]]) -> None:
    """The ``Forsendelse`` schema's rules that matter for us, as SvarUt enforces them."""
    if not isinstance(data, dict):
        raise ValidationError("UGYLDIG_FORSENDELSE", "forsendelse må være et JSON-objekt")
    for key in ("tittel", "mottaker"):
        if not data.get(key):
            raise ValidationError("MANGLER_FELT", f"{key} er påkrevd")
    if len(data["tittel"]) > 1000:
        raise ValidationError("UGYLDIG_FELT", "tittel er for lang")
    mottaker = data["mottaker"]
    if not isinstance(mottaker, dict) or not mottaker.get("navn"):
        raise ValidationError("MANGLER_FELT", "mottaker.navn er påkrevd")
    if data.get("kunDigitalLevering"):
        if not mottaker.get("digitalId"):
            raise ValidationError("MANGLER_FELT", "mottaker.digitalId er påkrevd")
    else:
        for key in ("postnummer", "poststed"):
            if not mottaker.get(key):
                raise ValidationError("MANGLER_FELT", f"mottaker.{key} er påkrevd")
    for key in ("avgivendeSystem", "forsendelsestype", "eksternReferanse", "korrelasjonsid"):
        if len(str(data.get(key) or "")) > 100:
            raise ValidationError("UGYLDIG_FELT", f"{key} er for lang")
    documents = data.get("dokumenter") or []
    if not documents:
        raise ValidationError("MANGLER_DOKUMENT", "forsendelsen har ingen dokumenter")
    names = [document.get("filnavn") for document in documents]
    for document in documents:
        if not document.get("filnavn") or not document.get("mimeType"):
            raise ValidationError("MANGLER_FELT", "dokument krever filnavn og mimeType")
        if FORBIDDEN_IN_FILENAME & set(document["filnavn"]):
            raise ValidationError("UGYLDIG_FILNAVN", "filnavn har ugyldige tegn")
    if len(set(names)) != len(names):
        raise ValidationError("UGYLDIG_FILNAVN", "filnavn må være unike")
    if [name for name, _ in files] != names:
        raise ValidationError("DOKUMENT_MANGLER", "filene samsvarer ikke med dokumenter")


class FakeSvarUt:
    def __init__(self, token: str = "test-token"):  # noqa: S107 - a test token
        self.token = token
        self.konto_id = str(uuid.uuid4())
        self.port = 0
        self.requests: list[Recorded] = []
        self.forsendelser: dict[str, dict] = {}
        self.fail_with: int | None = None
        # Hold the n-th send (1-based): SvarUt keeps the letter but answers only when
        # released, so a client killed meanwhile never learns that it was received.
        self.hold_send: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    # -- control -------------------------------------------------------------------

    def start(self) -> FakeSvarUt:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def down(self) -> None:
        """Stop listening: connections to the port are refused."""
        self.stop()

    def up(self) -> None:
        """Listen again on the same port."""
        if self._server is None:
            self.start()

    def set_status(self, forsendelse_id: str, status: str) -> None:
        assert status in STATUSES
        self.forsendelser[forsendelse_id]["status"] = status

    def sent(self) -> list[Recorded]:
        """The accepted send requests."""
        return [r for r in self.requests if r.method == "POST" and r.forsendelse is not None]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSvarUt
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _reply(self, code: int, payload: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: int, error_code: str, message: str) -> None:
        self._reply(code, {
            "timestamp": int(dt.datetime.now(dt.UTC).timestamp() * 1000), "status": code,
            "error": self.responses.get(code, ("Error",))[0], "errorId": str(uuid.uuid4()),
            "path": self.path, "originalPath": self.path, "message": message,
            "errorCode": error_code})

    def _start(self, method: str) -> tuple[Recorded, re.Match | None, dict] | None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        record = Recorded(method, url.path, dict(self.headers.items()), body=body)
        with self.fake._lock:
            self.fake.requests.append(record)
        if self.fake.fail_with:
            self._error(self.fake.fail_with, "TESTFEIL", "Feil fremprovosert i test")
            return None
        if self.headers.get("Authorization") != f"Bearer {self.fake.token}":
            self._error(401, "UGYLDIG_TOKEN", "Mangler eller ugyldig Maskinporten-token")
            return None
        match = PATH.match(url.path)
        if not match:
            self._error(404, "IKKE_FUNNET", "Ukjent adresse")
            return None
        if match["konto"] != self.fake.konto_id:
            self._error(403, "INGEN_TILGANG", "Ingen tilgang til kontoen")
            return None
        return record, match, parse_qs(url.query)

    def do_GET(self):  # noqa: N802 - http.server's naming
        started = self._start("GET")
        if started is None:
            return
        _, match, query = started
        if match["rest"] or "eksternRef" not in query:
            self._error(400, "MANGLER_PARAMETER", "eksternRef er påkrevd")
            return
        ref = query["eksternRef"][0]
        ids = [fid for fid, f in self.fake.forsendelser.items()
               if f["forsendelse"].get("eksternReferanse") == ref]
        self._reply(200, {"forsendelseIds": ids})

    def do_POST(self):  # noqa: N802 - http.server's naming
        started = self._start("POST")
        if started is None:
            return
        record, match, _ = started
        if match["rest"]:
            self._status_search(record)
        else:
            self._send(record)

    def _status_search(self, record: Recorded) -> None:
        try:
            ids = json.loads(record.body)["forsendelseIds"]
            assert isinstance(ids, list)
        except (ValueError, KeyError, TypeError, AssertionError):
            self._error(400, "UGYLDIG_FORESPORSEL", "forsendelseIds er påkrevd")
            return
        statuser = [{"id": fid, "status": self.fake.forsendelser[fid]["status"],
                     "sisteStatusEndring": self.fake.forsendelser[fid]["changed"]}
                    for fid in ids if fid in self.fake.forsendelser]
        self._reply(200, {"statuser": statuser})

    def _send(self, record: Recorded) -> None:
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            self._error(415, "UGYLDIG_INNHOLD", "Forventet multipart/form-data")
            return
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + record.body)
        parts = list(message.iter_parts())
        if not parts or parts[0].get_param("name", header="content-disposition") \
                != "forsendelse":
            self._error(400, "MANGLER_FORSENDELSE", "Første part må hete forsendelse")
            return
        try:
            forsendelse = json.loads(parts[0].get_payload(decode=True))
        except ValueError:
            self._error(400, "UGYLDIG_JSON", "forsendelse er ikke gyldig JSON")
            return
        files = [(part.get_filename(), part.get_payload(decode=True)) for part in parts[1:]]
        try:
            validate_forsendelse(forsendelse, files)
        except ValidationError as error:
            self._error(400, error.code, error.message)
            return
        record.forsendelse, record.files = forsendelse, files
        forsendelse_id = str(uuid.uuid4())
        with self.fake._lock:
            self.fake.forsendelser[forsendelse_id] = {
                "forsendelse": forsendelse, "status": "MOTTATT",
                "changed": dt.datetime.now(dt.UTC).isoformat()}
            held = len(self.fake.forsendelser) == self.fake.hold_send
        if held:
            self.fake.holding.set()
            self.fake.release.wait(timeout=60)
        with contextlib.suppress(OSError):  # the client may be gone (killed while held)
            self._reply(200, {"id": forsendelse_id})
