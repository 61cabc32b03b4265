"""A tiny OpenID Connect provider on 127.0.0.1 for the sign-in tests.

Authorization code flow only: /authorize redirects at once (no login screen) to the
redirect_uri with a code and the state it was given; /token exchanges the code (client
secret and PKCE checked) for an id_token signed RS256 with a key made at start; /userinfo
answers a bearer token; /jwks publishes the public key. ``fault`` makes it misbehave.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "tildel-test"
CLIENT_SECRET = "stub-hemmelighet"
#: The redirect URI registered for the client (Django's test client is "testserver").
REDIRECT_URI = "http://testserver/oidc/callback/"
KID = "stub-key-1"

#: The ways the provider can be told to misbehave (``stub.fault``).
FAULTS = ("wrong_audience", "expired", "wrong_nonce", "foreign_key", "token_error",
          "wrong_issuer", "userinfo_other_subject")


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OIDCStub:
    """Start with ``with OIDCStub() as stub:``; set ``stub.claims`` to say who signs in."""

    def __init__(self, username_claim: str = "preferred_username"):
        self.username_claim = username_claim
        self.key = _new_key()
        self.other_key = _new_key()  # signs the tokens of the "foreign_key" fault
        self.claims: dict = {"sub": "stub-subject-1"}
        self.fault: str | None = None
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.token_requests = 0
        self._server: ThreadingHTTPServer | None = None

    # Running
    def __enter__(self) -> OIDCStub:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self, **extra) -> dict:
        """Django settings that point Tildel at this provider (as settings.py would)."""
        return {
            "TILDEL_OIDC_ENABLED": True,
            "AUTHENTICATION_BACKENDS": [
                "axes.backends.AxesStandaloneBackend",
                "tildel.accounts.oidc.OIDCBackend",
                "rules.permissions.ObjectPermissionBackend",
                "django.contrib.auth.backends.ModelBackend",
            ],
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid profile",
            "OIDC_USE_PKCE": True,
            "OIDC_CREATE_USER": False,
            "OIDC_TIMEOUT": 5,
            "TILDEL_OIDC_USERNAME_CLAIM": self.username_claim,
            "TILDEL_OIDC_ISSUER": self.url,
            "TILDEL_OIDC_LOGOUT_URL": "",
            "AXES_WHITELIST_CALLABLE": "tildel.accounts.oidc.axes_exempt",
            **extra,
        }

    # The provider's answers
    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        if (query.get("client_id") != CLIENT_ID or query.get("response_type") != "code"
                or query.get("redirect_uri") != REDIRECT_URI or not query.get("state")):
            return 400, {}, b"unknown client or redirect URI"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"],
                            "challenge": query.get("code_challenge"), "claims": dict(self.claims)}
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, {"Location": target}, b""

    def token(self, form: dict) -> tuple[int, dict, bytes]:
        self.token_requests += 1
        if self.fault == "token_error":
            return 500, {}, b"internal error"
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if (form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET
                or grant is None or form.get("redirect_uri") != grant["redirect_uri"]):
            return 400, {}, json.dumps({"error": "invalid_grant"}).encode()
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if grant["challenge"] != challenge.decode():
            return 400, {}, json.dumps({"error": "invalid_grant"}).encode()
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = grant["claims"]
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300,
                "id_token": self.id_token(grant["claims"], grant["nonce"])}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def id_token(self, claims: dict, nonce: str | None) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 120,
                   "nonce": nonce, **claims}
        if self.fault == "wrong_audience":
            payload["aud"] = "another-client"
        elif self.fault == "expired":
            payload.update(iat=now - 3600, exp=now - 1800)
        elif self.fault == "wrong_nonce":
            payload["nonce"] = "not-the-nonce-tildel-sent"
        elif self.fault == "wrong_issuer":
            payload["iss"] = "http://127.0.0.1:1/another-provider"
        key = self.other_key if self.fault == "foreign_key" else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": KID})

    def userinfo(self, authorization: str) -> tuple[int, dict, bytes]:
        scheme, _, token = authorization.partition(" ")
        claims = self.access_tokens.get(token) if scheme == "Bearer" else None
        if claims is None:
            return 401, {"WWW-Authenticate": "Bearer"}, b""
        if self.fault == "userinfo_other_subject":
            claims = {**claims, "sub": "someone-else"}
        return 200, {"Content-Type": "application/json"}, json.dumps(claims).encode()

    def jwks(self) -> tuple[int, dict, bytes]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update(kid=KID, alg="RS256", use="sig")
        return 200, {"Content-Type": "application/json"}, json.dumps({"keys": [jwk]}).encode()


def _handler(stub: OIDCStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/authorize":
                self._answer(*stub.authorize(query))
            elif parts.path == "/userinfo":
                self._answer(*stub.userinfo(self.headers.get("Authorization", "")))
            elif parts.path == "/jwks":
                self._answer(*stub.jwks())
            else:
                self._answer(404, {}, b"")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                self._answer(*stub.token(form))
            else:
                self._answer(404, {}, b"")

        def _answer(self, status: int, headers: dict, body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass  # the requests carry codes and tokens; keep them out of the test log

    return Handler
