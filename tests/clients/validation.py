"""Every request and answer of the generated client, checked against the OpenAPI document
with openapi-core (status, headers and body of each answer; parameters, security and body of
each request).

openapi-core ships adapters for `requests`, not for `httpx` (what openapi-python-client's
clients use); the two small classes below are that adapter, after
`openapi_core.contrib.requests`. `Recorder.hooks()` are httpx event hooks: every exchange
the generated client makes goes through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import httpx
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict


class HttpxOpenAPIRequest:
    """An `httpx.Request` as openapi-core's `Request` protocol."""

    def __init__(self, request: httpx.Request):
        self.request = request
        url = request.url
        self.host_url = f"{url.scheme}://{url.netloc.decode('ascii')}"
        self.path = url.path
        self.method = request.method.lower()
        query = parse_qsl(url.query.decode("ascii"), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(list(request.headers.multi_items())),
            cookie=ImmutableMultiDict(),
        )

    @property
    def body(self) -> bytes | None:
        content = self.request.content
        return content or None

    @property
    def content_type(self) -> str:
        return self.request.headers.get("content-type", "")


class HttpxOpenAPIResponse:
    """An `httpx.Response` (its body read) as openapi-core's `Response` protocol."""

    def __init__(self, response: httpx.Response):
        self.response = response

    @property
    def data(self) -> bytes:
        return self.response.content

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str:
        return self.response.headers.get("content-type", "")

    @property
    def headers(self) -> Headers:
        return Headers(list(self.response.headers.multi_items()))


def describe(error: BaseException) -> str:
    """An openapi-core error with its causes and, for a schema, each failing keyword."""
    parts = [type(error).__name__ + (f": {error}" if str(error) else "")]
    seen = set()
    cause = error.__cause__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        parts.append(type(cause).__name__ + (f": {cause}" if str(cause) and len(str(cause)) < 300 else ""))
        for schema_error in getattr(cause, "schema_errors", None) or ():
            where = "/".join(str(p) for p in schema_error.absolute_path) or "(body)"
            parts.append(f"at {where}: {schema_error.message[:300]}")
            for sub in (schema_error.context or [])[:6]:
                sub_where = "/".join(str(p) for p in sub.absolute_path) or "(body)"
                parts.append(f"  branch {list(sub.schema_path)[:1]} at {sub_where}: {sub.message[:200]}")
        cause = cause.__cause__
    return "; ".join(parts)


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    request_errors: list[str] = field(default_factory=list)
    response_errors: list[str] = field(default_factory=list)
    response: httpx.Response | None = None


class Recorder:
    """Validates each exchange and keeps it, so that each step of the flow reports the
    document's verdict on the calls it made."""

    def __init__(self, document: dict):
        # from_dict checks the document itself first (openapi-spec-validator).
        self.api = OpenAPI.from_dict(document)
        self.exchanges: list[Exchange] = []
        # Requests whose body is knowingly outside the document (e.g. a loopback webhook
        # URL the operator allowed): their answers are still checked.
        self.skip_request_check = False

    def hooks(self) -> dict:
        return {"response": [self._on_response]}

    def _on_response(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        exchange = Exchange(request.method, request.url.path, response.status_code, response=response)
        oa_request = HttpxOpenAPIRequest(request)
        if not self.skip_request_check:
            try:
                for error in self.api.iter_request_errors(oa_request):
                    exchange.request_errors.append(describe(error))
            except Exception as error:  # noqa: BLE001 (a finder error is a verdict too)
                exchange.request_errors.append(describe(error))
        try:
            for error in self.api.iter_response_errors(oa_request, HttpxOpenAPIResponse(response)):
                exchange.response_errors.append(describe(error))
        except Exception as error:  # noqa: BLE001
            exchange.response_errors.append(describe(error))
        self.exchanges.append(exchange)

    def mark(self) -> int:
        return len(self.exchanges)

    def since(self, mark: int) -> list[Exchange]:
        return self.exchanges[mark:]
