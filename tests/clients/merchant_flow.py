"""A merchant's server, written against a client that openapi-python-client generates from
the wallet's own GET /v1/openapi.json, drives a running `wallet-server demo`; openapi-core
checks every request and answer against that document, and standardwebhooks verifies the
deliveries to a loopback endpoint.

    scripts/clients.sh http://127.0.0.1:8080 [--webhook-port N] [--document FILE]

Steps, each reported PASS, FAIL (with why) or SKIP (a step it needs failed): generate the
client (any warning fails it), read the document through it, create sessions (metadata,
merchant_reference, Idempotency-Key: the same key answers the same session, another body
under it 422), read one with the merchant key and with the client secret, register a
webhook endpoint, pay with the test helper (one paid, one declined, one whose remainder
the merchant collects and captures), read the intent, refund part twice, read the closed
session, list sessions, intents and refunds (limit=1 and starting_after, the filters, an
unknown cursor and query), read the events, verify the deliveries' signatures, delete the
endpoint.

A FAIL says which kind it is:
  server: not implemented   the server has no such route, field or query (yet)
  server: issue-27 field    an answer lacks a field or header of issue 27 that the document requires
  document                  openapi-core finds a request or an answer outside the document
  behaviour                 the server answered, within the document, something else than expected
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import uuid

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import httpx  # noqa: E402
from openapi_schema_validator import OAS30Validator  # noqa: E402
from standardwebhooks import Webhook, WebhookVerificationError  # noqa: E402

from receiver import Receiver  # noqa: E402
from validation import Recorder  # noqa: E402

MERCHANT_KEY = "sk_test_demo"
LINK = "lk_test_demo_shopper_demo"
PACKAGE = "bc_client"
# What an answer of a server without issue 27's additions fails on: the Request-Id header,
# the error body's request_id and doc_url, the tags and cancel_reason. Any other complaint
# of the validator is the document's.
ISSUE_27 = re.compile(
    r"Missing required header: Request-Id"
    r"|'(request_id|doc_url|merchant_reference|metadata|cancel_reason|session_id)' is a required property"
)


class StepFailed(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class Skip(Exception):
    pass


def kind_of(response) -> str:
    """What an unexpected answer says about the server: a route, field or query it lacks,
    or a behaviour."""
    try:
        error = json.loads(response.content)["error"]
        code, message = error.get("code", ""), error.get("message", "")
    except (ValueError, KeyError, TypeError, AttributeError):
        return "behaviour"
    if response.status_code == 404 and code == "not_found" and "no such endpoint" in message:
        return "server: not implemented"
    if response.status_code == 405 and code == "method_not_allowed":
        return "server: not implemented"
    if response.status_code == 400 and ("unknown field" in message or "is not a query of" in message):
        return "server: not implemented"
    return "behaviour"


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed("behaviour", message)


def expect(response, status: int, what: str):
    """The parsed answer when `response` has `status`; a StepFailed naming the kind otherwise."""
    if response.status_code != status:
        body = response.content.decode("utf-8", "replace")[:400]
        raise StepFailed(kind_of(response), f"{what}: expected {status}, got {response.status_code} {body}")
    if response.parsed is None:
        raise StepFailed("document", f"{what}: the generated client could not read the {status} answer")
    return response.parsed


def error_of(response) -> dict:
    return json.loads(response.content)["error"]


class Flow:
    def __init__(self, args):
        self.args = args
        self.url = args.url.rstrip("/")
        self.results: list[tuple[str, str, str, list[str]]] = []
        self.state: dict = {}
        self.recorder: Recorder | None = None
        self.ref = f"order-{uuid.uuid4().hex[:12]}"
        # The server's times are whole seconds: everything this run makes is created at or
        # after this (the lists' created_gte and created_lt use it).
        self.started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

    # --- reporting --------------------------------------------------------------------
    def step(self, name: str, fn, needs: tuple[str, ...] = ()) -> None:
        missing = [n for n in needs if n not in self.state]
        if missing:
            self.report(name, "SKIP", "", [f"needs {', '.join(missing)} from an earlier step"])
            return
        mark = self.recorder.mark() if self.recorder else 0
        verdict, kind, details = "PASS", "", []
        try:
            note = fn()
            if note:
                details.append(str(note))
        except Skip as e:
            verdict, details = "SKIP", [str(e)]
        except StepFailed as e:
            verdict, kind, details = "FAIL", e.kind, [str(e)]
        except Exception as e:  # noqa: BLE001 (the generated client or the flow broke)
            # An undocumented status (the generated client raises UnexpectedStatus) is the
            # document's; anything else broke in the flow or in the generated code.
            verdict, kind = "FAIL", "document" if type(e).__name__ == "UnexpectedStatus" else "behaviour"
            if isinstance(e, KeyError) and str(e).strip("'") in (
                "request_id",
                "doc_url",
                "merchant_reference",
                "metadata",
                "cancel_reason",
                "session_id",
            ):
                # The generated client could not read an answer without a field of issue 27.
                kind = "server: issue-27 field"
            details = [f"{type(e).__name__}: {e}", *traceback.format_exc().splitlines()[-6:]]
        if self.recorder:
            for ex in self.recorder.since(mark):
                for label, errors in (("request", ex.request_errors), ("answer", ex.response_errors)):
                    for err in errors:
                        what = "server: issue-27 field" if ISSUE_27.search(err) else "document"
                        details.append(f"{what}: {label} {ex.method} {ex.path} {ex.status}: {err}")
                        if verdict != "FAIL":
                            verdict, kind = "FAIL", what
                        elif kind == "behaviour" and what == "document":
                            kind = what
        self.report(name, verdict, kind, details)

    def report(self, name, verdict, kind, details):
        self.results.append((name, verdict, kind, details))
        label = f"{verdict} ({kind})" if kind else verdict
        print(f"{label:<34} {name}", flush=True)
        for line in details:
            print(f"    {line}", flush=True)

    # --- the client -------------------------------------------------------------------
    def generate(self) -> str:
        if self.args.document:
            with open(self.args.document, encoding="utf-8") as f:
                text = f.read()
            served = httpx.get(f"{self.url}/v1/openapi.json", timeout=10).text
            note = (
                "the document is "
                + self.args.document
                + (
                    ""
                    if json.loads(served) == json.loads(text)
                    else " (the server serves another one: rebuild it)"
                )
            )
        else:
            text = httpx.get(f"{self.url}/v1/openapi.json", timeout=10).raise_for_status().text
            with open(os.path.join(REPO, "crates/wallet-server/src/api/openapi.json"), encoding="utf-8") as f:
                same = json.loads(f.read()) == json.loads(text)
            note = "the server's document" + (
                ""
                if same
                else " (it differs from crates/wallet-server/src/api/openapi.json: rebuild the server)"
            )
        self.document = json.loads(text)
        doc_path = os.path.join(self.tmp, "openapi.json")
        with open(doc_path, "w", encoding="utf-8") as f:
            f.write(text)
        out = os.path.join(self.tmp, PACKAGE)
        tool = os.path.join(os.path.dirname(sys.executable), "openapi-python-client")
        env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        run = subprocess.run(
            [tool, "generate", "--path", doc_path, "--meta", "none", "--output-path", out],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        output = (run.stdout + run.stderr).strip()
        extra = [line for line in output.splitlines() if line.strip() and not line.startswith("Generating ")]
        if run.returncode != 0 or extra:
            raise StepFailed("document", f"openapi-python-client said (exit {run.returncode}):\n" + output)
        sys.path.insert(0, self.tmp)
        self.pkg = importlib.import_module(PACKAGE)
        self.models = importlib.import_module(f"{PACKAGE}.models")
        try:
            # openapi-core checks the document itself first (openapi-spec-validator).
            self.recorder = Recorder(self.document)
        except Exception as e:  # noqa: BLE001
            raise StepFailed(
                "document", f"openapi-core refused the document: {type(e).__name__}: {e}"
            ) from None
        self.merchant = self.pkg.AuthenticatedClient(
            base_url=self.url,
            token=MERCHANT_KEY,
            raise_on_unexpected_status=True,
            httpx_args={"event_hooks": self.recorder.hooks()},
        )
        self.state["client"] = True
        version = subprocess.run(
            [tool, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        return f"{version}; {note}"

    def op(self, name: str):
        try:
            return importlib.import_module(f"{PACKAGE}.api.default.{name}")
        except ModuleNotFoundError:
            raise StepFailed(
                "server: not implemented", f"the document has no operation for {name} (an old server?)"
            ) from None

    def model(self, name: str):
        return getattr(self.models, name)

    def secret_client(self, secret: str):
        return self.pkg.AuthenticatedClient(
            base_url=self.url,
            token=secret,
            raise_on_unexpected_status=True,
            httpx_args={"event_hooks": self.recorder.hooks()},
        )

    # --- the steps --------------------------------------------------------------------
    def read_document(self):
        r = self.op("get_v1_openapi_json").sync_detailed(client=self.merchant)
        check(r.status_code == 200, f"GET /v1/openapi.json answered {r.status_code}")

    def session_body(self, ref: str, metadata: dict) -> dict:
        line = {"merchant": {"id": "demo-shop", "kind": "self_operated"}, "category": "physical"}
        return {
            "link": LINK,
            "cart": {
                "currency": "CNY",
                "lines": [
                    {"id": "tea", "name": "Oolong tea", "quantity": 2, "unit_price": "18.00", **line},
                    {"id": "cup", "name": "Tea cup", "quantity": 1, "unit_price": "12.00", **line},
                ],
            },
            "return_url": "https://shop.example/orders/return",
            "merchant_reference": ref,
            "metadata": metadata,
        }

    def create_session(self):
        create = self.op("post_v1_sessions")
        key = f"clients-{uuid.uuid4()}"
        body = self.model("CreateSession").from_dict(
            self.session_body(self.ref, {"invoice": "INV-1", "channel": "clients"})
        )
        first = expect(
            create.sync_detailed(client=self.merchant, body=body, idempotency_key=key), 201, "create"
        )
        self.state["a"] = first
        again = expect(
            create.sync_detailed(client=self.merchant, body=body, idempotency_key=key), 201, "the same key"
        )
        check(
            (again.id, again.client_secret) == (first.id, first.client_secret),
            f"the same Idempotency-Key and body answered another session: {again.id} after {first.id}",
        )
        other = self.model("CreateSession").from_dict(self.session_body(self.ref, {"invoice": "INV-2"}))
        r = create.sync_detailed(client=self.merchant, body=other, idempotency_key=key)
        expect(r, 422, "the same key with another body")
        check(error_of(r)["code"] == "idempotency_conflict", f"422 with {error_of(r)['code']}")
        b = self.model("CreateSession").from_dict(self.session_body(self.ref + "-b", {"invoice": "INV-3"}))
        self.state["b"] = expect(
            create.sync_detailed(client=self.merchant, body=b), 201, "the second session"
        )
        c = self.session_body(self.ref + "-c", {"invoice": "INV-4"})
        c["second_leg"] = "merchant"
        self.state["c"] = expect(
            create.sync_detailed(client=self.merchant, body=self.model("CreateSession").from_dict(c)),
            201,
            "the third session (second_leg merchant)",
        )
        return f"{first.id} ({self.ref}), {self.state['b'].id}, {self.state['c'].id}"

    def read_as_merchant(self):
        a = self.state["a"]
        got = expect(self.op("get_v1_sessions_id").sync_detailed(a.id, client=self.merchant), 200, "read")
        check(isinstance(got, self.model("MerchantSession")), f"the merchant key read a {type(got).__name__}")
        check(
            got.status.value == "open" and got.livemode is False,
            f"status {got.status}, livemode {got.livemode}",
        )
        check(got.merchant_reference == self.ref, f"merchant_reference {got.merchant_reference!r}")
        check(
            got.metadata.to_dict() == {"invoice": "INV-1", "channel": "clients"},
            f"metadata {got.metadata.to_dict()}",
        )
        check(got.total == "48.00" and got.currency.value == "CNY", f"total {got.currency} {got.total}")
        check(got.intent_id is None, f"intent_id {got.intent_id!r} before any payment")
        self.state["a_created_at"] = got.created_at

    def read_as_frame(self):
        a = self.state["a"]
        frame = self.secret_client(a.client_secret)
        got = expect(self.op("get_v1_sessions_id").sync_detailed(a.id, client=frame), 200, "read")
        check(isinstance(got, self.model("Session")), f"the client secret read a {type(got).__name__}")
        check(got.status.value == "open", f"status {got.status}")
        check(got.wallet.balance is not None, "no wallet")

    def register_endpoint(self):
        if not self.args.webhook_port:
            raise Skip(
                "no --webhook-port: start the demo with BC_WEBHOOK_PRIVATE_ORIGINS=http://127.0.0.1:<port> "
                "and pass --webhook-port <port> (scripts/test.sh's clients stage does)"
            )
        url = f"http://127.0.0.1:{self.args.webhook_port}/hooks"
        body = self.model("CreateWebhookEndpoint").from_dict({"url": url})
        # A loopback URL is outside the document's pattern on purpose (only an operator's
        # webhook_private_origins admit it): the answer is still checked.
        self.recorder.skip_request_check = True
        try:
            r = self.op("post_v1_webhook_endpoints").sync_detailed(client=self.merchant, body=body)
        finally:
            self.recorder.skip_request_check = False
        if r.status_code == 400:
            raise StepFailed(
                "behaviour",
                f"the wallet refused {url}: start it with BC_WEBHOOK_PRIVATE_ORIGINS=http://127.0.0.1:{self.args.webhook_port} "
                f"({r.content.decode()[:200]})",
            )
        endpoint = expect(r, 201, "register")
        secrets = [s.secret for s in endpoint.secrets if isinstance(s.secret, str)]
        check(
            len(secrets) == 1 and secrets[0].startswith("whsec_"),
            "no whsec_ secret in the answer that made it",
        )
        self.state["endpoint"] = endpoint.id
        self.state["secret"] = secrets[0]
        return endpoint.id

    def pay(self):
        pay = self.op("post_v1_test_helpers_sessions_id_pay")
        a = self.state["a"]
        # As a merchant would first call it: no body (all its fields are optional).
        r = pay.sync_detailed(a.id, client=self.merchant, idempotency_key=f"pay-{uuid.uuid4()}")
        note = ""
        if r.status_code in (400, 415):
            note = f"FAIL: without a body the helper answered {r.status_code} {r.content.decode()[:200]}; paid with {{}}"
            r = pay.sync_detailed(
                a.id,
                client=self.merchant,
                body=self.model("TestPayment").from_dict({}),
                idempotency_key=f"pay-{uuid.uuid4()}",
            )
        intent = expect(r, 201, "pay")
        check(
            intent.status.value == "succeeded",
            f"status {intent.status} (the balance or the approved sandbox pays all)",
        )
        check(intent.session_id == a.id, f"session_id {intent.session_id}")
        check(intent.cancel_reason is None, f"cancel_reason {intent.cancel_reason}")
        check(intent.merchant_reference == self.ref, f"merchant_reference {intent.merchant_reference!r}")
        check(
            intent.metadata.to_dict() == {"invoice": "INV-1", "channel": "clients"},
            f"metadata {intent.metadata}",
        )
        self.state["intent_a"] = intent.id
        if note:
            raise StepFailed("behaviour", note)
        return intent.id

    def pay_declined(self):
        pay = self.op("post_v1_test_helpers_sessions_id_pay")
        b = self.state["b"]
        body = self.model("TestPayment").from_dict({"use_balance": False, "second_leg": "decline"})
        intent = expect(pay.sync_detailed(b.id, client=self.merchant, body=body), 201, "pay, declined")
        check(intent.status.value == "canceled", f"status {intent.status}")
        check(
            getattr(intent.cancel_reason, "value", intent.cancel_reason) == "declined",
            f"cancel_reason {intent.cancel_reason}",
        )
        self.state["intent_b"] = intent.id
        return intent.id

    def merchant_collects(self):
        """A remainder the merchant collects: the helper leaves it requires_action
        (merchant_collect); the session awaits payment, for the frame (pending_intent) and
        for the merchant (intent_id); the capture ends it."""
        c = self.state["c"]
        body = self.model("TestPayment").from_dict({"use_balance": False})
        pay = self.op("post_v1_test_helpers_sessions_id_pay")
        intent = expect(pay.sync_detailed(c.id, client=self.merchant, body=body), 201, "pay")
        check(intent.status.value == "requires_action", f"status {intent.status}")
        action = intent.next_action.to_dict() if intent.next_action else {}
        check(action.get("type") == "merchant_collect", f"next_action {action}")
        self.state["intent_c"] = intent.id
        frame = self.secret_client(c.client_secret)
        read = self.op("get_v1_sessions_id")
        seen = expect(read.sync_detailed(c.id, client=frame), 200, "client secret read")
        check(isinstance(seen, self.model("Session")), f"the client secret read a {type(seen).__name__}")
        pending = seen.pending_intent
        check(
            seen.status.value == "awaiting_payment" and getattr(pending, "id", None) == intent.id,
            f"{seen.status}, pending_intent {getattr(pending, 'id', None)}",
        )
        mine = expect(read.sync_detailed(c.id, client=self.merchant), 200, "merchant read")
        check(
            mine.status.value == "awaiting_payment" and mine.intent_id == intent.id,
            f"{mine.status} {mine.intent_id}",
        )
        capture = self.model("CaptureRequest").from_dict(
            {"second_leg": {"amount": action["amount"], "provider": "card", "reference": "ch_clients_1"}}
        )
        done = expect(
            self.op("post_v1_intents_id_capture").sync_detailed(
                intent.id, client=self.merchant, body=capture, idempotency_key=f"cap-{uuid.uuid4()}"
            ),
            200,
            "capture",
        )
        check(
            done.status.value == "succeeded" and done.next_action is None, f"{done.status} {done.next_action}"
        )
        check(done.second_leg is not None and done.second_leg.reference == "ch_clients_1", "second_leg")
        self.state["c_captured"] = True
        return intent.id

    def read_intent(self):
        got = expect(
            self.op("get_v1_intents_id").sync_detailed(self.state["intent_a"], client=self.merchant),
            200,
            "read",
        )
        check(
            got.status.value == "succeeded" and got.merchant_reference == self.ref,
            f"{got.status} {got.merchant_reference!r}",
        )

    def refund(self):
        refund = self.op("post_v1_intents_id_refunds")
        made = []
        for amount in ("10.00", "5.00"):
            body = self.model("RefundRequest").from_dict({"amount": amount})
            r = expect(
                refund.sync_detailed(
                    self.state["intent_a"],
                    client=self.merchant,
                    body=body,
                    idempotency_key=f"re-{uuid.uuid4()}",
                ),
                201,
                f"refund {amount}",
            )
            check(
                r.amount == amount and r.intent_id == self.state["intent_a"],
                f"refund {r.amount} of {r.intent_id}",
            )
            check(r.session_id == self.state["a"].id, f"session_id {r.session_id}")
            check(r.merchant_reference == self.ref and r.metadata.to_dict().get("invoice") == "INV-1", "tags")
            made.append(r.id)
        self.state["refunds"] = made
        return ", ".join(made)

    def read_closed(self):
        a = self.state["a"]
        got = expect(
            self.op("get_v1_sessions_id").sync_detailed(a.id, client=self.merchant), 200, "merchant read"
        )
        check(isinstance(got, self.model("MerchantSession")), f"a {type(got).__name__}")
        check(
            got.status.value == "completed" and got.intent_id == self.state["intent_a"],
            f"{got.status} {got.intent_id}",
        )
        frame = self.secret_client(a.client_secret)
        out = expect(
            self.op("get_v1_sessions_id").sync_detailed(a.id, client=frame), 200, "client secret read"
        )
        check(isinstance(out, self.model("SessionOutcome")), f"the client secret read a {type(out).__name__}")
        check(
            out.status.value == "completed" and out.intent_id == self.state["intent_a"],
            f"{out.status} {out.intent_id}",
        )
        b = expect(
            self.op("get_v1_sessions_id").sync_detailed(self.state["b"].id, client=self.merchant), 200, "b"
        )
        check(
            b.status.value == "open" and b.intent_id is None,
            f"the declined session: {b.status} {b.intent_id}",
        )

    def page_through(self, op, ids: set, **filters):
        """limit=1, then starting_after = the last id, until has_more is false: one item a
        page, each of `ids` once, has_more true on every page but the last."""
        got, after = [], None
        for _ in range(len(ids) + 1):
            kw = {"limit": 1, **filters}
            if after is not None:
                kw["starting_after"] = after
            page = expect(op.sync_detailed(client=self.merchant, **kw), 200, f"page {len(got) + 1}")
            check(len(page.data) == 1, f"page {len(got) + 1}: {len(page.data)} items with limit=1")
            got.append(page.data[0].id)
            after = page.data[0].id
            if not page.has_more:
                break
        check(sorted(got) == sorted(ids), f"the pages hold {got}, not {sorted(ids)}")

    def unknown_cursor(self, op, code: str):
        r = op.sync_detailed(client=self.merchant, starting_after="xx_not_an_id_of_yours")
        expect(r, 404, "an unknown starting_after")
        e = error_of(r)
        check((e["code"], e.get("path")) == (code, "starting_after"), f"{e['code']} at {e.get('path')}")
        check(
            e.get("request_id") == r.headers.get("request-id"),
            f"request_id {e.get('request_id')} vs header {r.headers.get('request-id')}",
        )
        check(str(e.get("doc_url", "")).endswith(f"/docs/guide#error-{code}"), f"doc_url {e.get('doc_url')}")

    def unknown_query(self, path: str):
        r = self.merchant.get_httpx_client().get(path, params={"colour": "blue"})
        check(r.status_code == 400, f"GET {path}?colour=blue answered {r.status_code}")
        e = r.json()["error"]
        check((e["code"], e.get("path")) == ("invalid_request", "colour"), f"{e['code']} at {e.get('path')}")

    def list_sessions(self):
        op = self.op("get_v1_sessions")
        a, b, c = self.state["a"].id, self.state["b"].id, self.state["c"].id
        self.page_through(op, {a, b, c}, created_gte=self.started)
        mine = expect(
            op.sync_detailed(client=self.merchant, merchant_reference=self.ref), 200, "merchant_reference"
        )
        check([s.id for s in mine.data] == [a], f"merchant_reference={self.ref}: {[s.id for s in mine.data]}")
        status = self.model("GetV1SessionsStatus")
        done = expect(
            op.sync_detailed(client=self.merchant, status=status("completed"), created_gte=self.started),
            200,
            "status",
        )
        completed = {a, c} if "c_captured" in self.state else {a}
        check({s.id for s in done.data} == completed, f"status=completed: {[s.id for s in done.data]}")
        opened = expect(
            op.sync_detailed(client=self.merchant, status=status("open"), created_gte=self.started),
            200,
            "status",
        )
        check([s.id for s in opened.data] == [b], f"status=open: {[s.id for s in opened.data]}")
        before = expect(op.sync_detailed(client=self.merchant, created_lt=self.started), 200, "created_lt")
        check(
            not {a, b, c} & {s.id for s in before.data}, "created_lt before the run lists the run's sessions"
        )
        self.unknown_cursor(op, "session_not_found")
        self.unknown_query("/v1/sessions")

    def list_intents(self):
        op = self.op("get_v1_intents")
        ia, ib = self.state["intent_a"], self.state["intent_b"]
        made = {ia, ib} | ({self.state["intent_c"]} if "intent_c" in self.state else set())
        self.page_through(op, made, created_gte=self.started)
        of_a = expect(
            op.sync_detailed(client=self.merchant, session_id=self.state["a"].id), 200, "session_id"
        )
        check([i.id for i in of_a.data] == [ia], f"session_id: {[i.id for i in of_a.data]}")
        unset = importlib.import_module(f"{PACKAGE}.types").UNSET
        check(all(i.quote is unset for i in of_a.data), "a listed intent carries its quote")
        mine = expect(
            op.sync_detailed(client=self.merchant, merchant_reference=self.ref), 200, "merchant_reference"
        )
        check([i.id for i in mine.data] == [ia], f"merchant_reference: {[i.id for i in mine.data]}")
        status = self.model("GetV1IntentsStatus")
        canceled = expect(
            op.sync_detailed(client=self.merchant, status=status("canceled"), created_gte=self.started),
            200,
            "status",
        )
        check([i.id for i in canceled.data] == [ib], f"status=canceled: {[i.id for i in canceled.data]}")
        self.unknown_cursor(op, "intent_not_found")
        self.unknown_query("/v1/intents")

    def list_refunds(self):
        op = self.op("get_v1_refunds")
        made = set(self.state["refunds"])
        self.page_through(op, made, intent_id=self.state["intent_a"])
        for label, filters in (
            ("session_id", {"session_id": self.state["a"].id}),
            ("merchant_reference", {"merchant_reference": self.ref}),
        ):
            got = expect(op.sync_detailed(client=self.merchant, **filters), 200, label)
            check({r.id for r in got.data} == made, f"{label}: {[r.id for r in got.data]}")
        self.unknown_cursor(op, "not_found")
        self.unknown_query("/v1/refunds")

    def events(self):
        op = self.op("get_v1_events")
        wanted = {
            ("payment_intent.succeeded", self.state["intent_a"]),
            ("payment_intent.canceled", self.state["intent_b"]),
            *(("refund.succeeded", r) for r in self.state["refunds"]),
        }
        found, after = {}, None
        for _ in range(20):
            kw = {"limit": 100} if after is None else {"limit": 100, "starting_after": after}
            page = expect(op.sync_detailed(client=self.merchant, **kw), 200, "events")
            for event in page.data:
                obj = event.data.object_.to_dict()
                key = (event.type_.value, obj.get("id"))
                if key in wanted:
                    found[key] = event
            if not page.has_more or not page.data or len(found) == len(wanted):
                break
            after = page.data[-1].id
        check(set(found) == wanted, f"missing events: {sorted(wanted - set(found))}")
        for (kind, _), event in found.items():
            obj = event.data.object_.to_dict()
            if kind != "payment_intent.canceled":
                check(
                    obj.get("merchant_reference") == self.ref,
                    f"{kind}: merchant_reference {obj.get('merchant_reference')!r}",
                )
                check(
                    obj.get("metadata") == {"invoice": "INV-1", "channel": "clients"},
                    f"{kind}: metadata {obj.get('metadata')}",
                )
        canceled = found[("payment_intent.canceled", self.state["intent_b"])].data.object_.to_dict()
        check(
            canceled.get("cancel_reason") == "declined",
            f"canceled: cancel_reason {canceled.get('cancel_reason')}",
        )
        one = expect(op.sync_detailed(client=self.merchant, limit=1), 200, "limit=1")
        check(len(one.data) == 1 and one.has_more, "limit=1: one event and more")
        two = expect(
            op.sync_detailed(client=self.merchant, limit=1, starting_after=one.data[0].id),
            200,
            "starting_after",
        )
        check(len(two.data) == 1 and two.data[0].id != one.data[0].id, "starting_after: the next event")
        self.state["events"] = {key: event.id for key, event in found.items()}

    def deliveries(self):
        wanted = self.state["events"]
        ids = set(wanted.values())

        def arrived(seen):
            return ids <= {h.get("webhook-id") for h, _ in seen}

        seen = self.receiver.wait_for(arrived, timeout=30)
        hook = Webhook(self.state["secret"])
        event_schema = {"$ref": "#/components/schemas/Event", "components": self.document["components"]}
        validator = OAS30Validator(event_schema)
        verified = set()
        for headers, body in seen:
            if headers.get("webhook-id") not in ids:
                continue
            try:
                event = hook.verify(body, headers)
            except WebhookVerificationError as e:
                raise StepFailed(
                    "behaviour", f"delivery {headers.get('webhook-id')} does not verify: {e}"
                ) from None
            check(
                event["id"] == headers["webhook-id"],
                f"webhook-id {headers['webhook-id']} carries event {event['id']}",
            )
            problems = [e.message for e in validator.iter_errors(event)]
            if problems:
                raise StepFailed(
                    "document", f"delivery {event['id']} outside the Event schema: {problems[:3]}"
                )
            try:
                hook.verify(body.replace(b'"livemode":false', b'"livemode":true'), headers)
            except WebhookVerificationError:
                pass
            else:
                raise StepFailed("behaviour", "a tampered delivery verified")
            verified.add(event["id"])
        check(verified == ids, f"not delivered in 30 s: {sorted(ids - verified)}")
        detail = expect(
            self.op("get_v1_events_id").sync_detailed(next(iter(ids)), client=self.merchant), 200, "event"
        )
        mine = [d for d in detail.deliveries if d.endpoint_id == self.state["endpoint"]]
        check(
            mine and mine[0].status.value == "delivered",
            f"GET /v1/events/{{id}}: {[d.to_dict() for d in mine]}",
        )
        return f"{len(verified)} deliveries verified with standardwebhooks"

    def delete_endpoint(self):
        r = self.op("delete_v1_webhook_endpoints_id").sync_detailed(
            self.state["endpoint"], client=self.merchant
        )
        expect(r, 200, "delete")

    # --- the run ----------------------------------------------------------------------
    def run(self) -> int:
        self.tmp = tempfile.mkdtemp(prefix="bc-clients-")
        try:
            with Receiver(self.args.webhook_port) if self.args.webhook_port else _nothing() as receiver:
                self.receiver = receiver
                self.step("generate the client (openapi-python-client, no warning)", self.generate)
                s = self.step
                s("GET /v1/openapi.json through the client", self.read_document, ("client",))
                s(
                    "POST /v1/sessions: tags, Idempotency-Key replay and conflict",
                    self.create_session,
                    ("client",),
                )
                s(
                    "GET /v1/sessions/{id} with the merchant key: MerchantSession",
                    self.read_as_merchant,
                    ("a",),
                )
                s("GET /v1/sessions/{id} with the client secret: Session", self.read_as_frame, ("a",))
                s("POST /v1/webhook-endpoints (loopback receiver)", self.register_endpoint, ("client",))
                s("POST /v1/test_helpers/sessions/{id}/pay: succeeded", self.pay, ("a",))
                s("POST /v1/test_helpers/sessions/{id}/pay: declined", self.pay_declined, ("b",))
                s(
                    "a remainder the merchant collects: awaiting_payment, capture",
                    self.merchant_collects,
                    ("c",),
                )
                s("GET /v1/intents/{id}", self.read_intent, ("intent_a",))
                s("POST /v1/intents/{id}/refunds: two partial refunds", self.refund, ("intent_a",))
                s(
                    "GET /v1/sessions/{id} once completed: MerchantSession, SessionOutcome",
                    self.read_closed,
                    ("intent_a",),
                )
                s(
                    "GET /v1/sessions: pages, filters, errors",
                    self.list_sessions,
                    ("a", "b", "intent_a", "intent_b"),
                )
                s("GET /v1/intents: pages, filters, errors", self.list_intents, ("intent_a", "intent_b"))
                s("GET /v1/refunds: pages, filters, errors", self.list_refunds, ("refunds",))
                s(
                    "GET /v1/events: the flow's events with their tags",
                    self.events,
                    ("intent_a", "intent_b", "refunds"),
                )
                s("webhook deliveries verified (standardwebhooks)", self.deliveries, ("events", "secret"))
                s("DELETE /v1/webhook-endpoints/{id}", self.delete_endpoint, ("endpoint",))
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        counts = {v: sum(1 for r in self.results if r[1] == v) for v in ("PASS", "FAIL", "SKIP")}
        print()
        print(f"clients: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
        return 1 if counts["FAIL"] or counts["SKIP"] and self.args.strict else 0


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the wallet's URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--webhook-port", type=int, default=0, help="receive webhooks on 127.0.0.1:PORT")
    parser.add_argument(
        "--document", help="generate and validate from this file instead of the server's document"
    )
    parser.add_argument("--strict", action="store_true", help="a skipped step fails the run too")
    args = parser.parse_args()
    if not re.match(r"^https?://", args.url):
        parser.error("the URL starts with http:// or https://")
    return Flow(args).run()


if __name__ == "__main__":
    sys.exit(main())
