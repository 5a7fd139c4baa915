"""Schemathesis hooks for scripts/schemathesis.sh: the server's rules that relate two fields
or depend on stored state, which an OpenAPI document cannot state (its descriptions say
them in words). Generated bodies that break one are dropped where Schemathesis filters
bodies (fuzzing), and a "schema-valid request rejected" answer that names one of them is
not counted (the coverage phase does not filter bodies); any other rejection of a
schema-valid request still fails the run, so the check keeps meaning that the document says
less than the server enforces.

Relational rules: a cart's line ids are unique; a balance price is below its unit price;
the cart's total (quantity x unit price, plus shipping) is at most 10^13 major units; a
refund names each line at most once; a session names a link or a shopper_id, not both; a
session's metadata keys are 1 to 40 characters without control characters (OpenAPI 3.0 has
no propertyNames); a
webhook endpoint's URL parses as a URL with a host (the document states its scheme only);
a login password is not one the zxcvbn estimator finds guessable (a dictionary rule), and
comes with a payment password.
Rules of stored state: a link is one the shopper granted; a session's cart is in the
currency of the shopper's wallet; a top-up keeps the wallet within 10^13 major units; an
amount has at most the digits of the wallet's or the intent's currency; a refund's line is
one of the payment's and returns at most what is left of it (the lists let the fuzzer reach
real intents).
"""
import json
import unicodedata
from decimal import Decimal, InvalidOperation

import schemathesis

MAX_MAJOR = Decimal(10) ** 13


def amount(value):
    if not isinstance(value, str):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def cart_within_rules(cart):
    if not isinstance(cart, dict) or not isinstance(cart.get("lines"), list):
        return True
    ids, total = set(), Decimal(0)
    for line in cart["lines"]:
        if not isinstance(line, dict):
            return True
        line_id = line.get("id")
        if isinstance(line_id, str):
            if line_id in ids:
                return False
            ids.add(line_id)
        unit, balance = amount(line.get("unit_price")), amount(line.get("balance_price"))
        if unit is not None and balance is not None and balance >= unit:
            return False
        if unit is not None and isinstance(line.get("quantity"), int):
            total += unit * line["quantity"]
    shipping = cart.get("shipping")
    if isinstance(shipping, dict) and amount(shipping.get("fee")) is not None:
        total += amount(shipping["fee"])
    return total <= MAX_MAJOR


def metadata_keys_within_rules(metadata):
    if not isinstance(metadata, dict):
        return True
    return all(
        isinstance(key, str) and 1 <= len(key) <= 40 and not any(unicodedata.category(c) == "Cc" for c in key)
        for key in metadata
    )


def refund_lines_unique(body):
    lines = body.get("lines")
    if not isinstance(lines, list):
        return True
    ids = [line.get("id") for line in lines if isinstance(line, dict)]
    ids = [i for i in ids if isinstance(i, str)]
    return len(ids) == len(set(ids))


@schemathesis.hook
def filter_body(context, body):
    operation = context.operation
    if operation is None or not isinstance(body, dict):
        return True
    if operation.method.upper() != "POST":
        return True
    if operation.path == "/v1/sessions":
        # A link is stored state: only a token a shopper granted opens a session.
        return (
            "link" not in body
            and cart_within_rules(body.get("cart"))
            and metadata_keys_within_rules(body.get("metadata"))
        )
    if operation.path == "/v1/intents/{id}/refunds":
        return refund_lines_unique(body)
    return True


# Words of the server's 400 messages for the rules above (crates/checkout-core, wallet-server).
RELATIONAL_RULES = (
    "must be below unit_price",
    "duplicate line id",
    "is above the maximum of 10000000000000",
    "line amount too large",
    "the shopper's wallet holds",
    "past the maximum of 10^13 major units",
    "decimals, got",
    "appears twice",
    "is not a link of this merchant",
    "is not a line of this payment",
    "the refunds would return more than was paid",
    "not both",
    # A metadata key: its length and characters (OpenAPI 3.0 cannot constrain keys).
    "keys are 1 to 40 characters",
    # A webhook endpoint's URL: the URL grammar (host, port range), beyond the document's pattern.
    "is not an absolute URL",
    "needs a host and no user name",
    # A login password zxcvbn scores below 3: words and patterns, not a schema's grammar.
    "is too easy to guess",
    # A login password needs the payment password beside it.
    "is required with login_password",
    # A contact: the document's pattern says it; regex dialects differ at the edges.
    "must be an e-mail address or a phone number",
)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keeps every failure except a 400 for a relational or stored-state rule."""
    if failure.code != "ST202" or response.status_code != 400:
        return True
    try:
        message = json.loads(response.content)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return True
    return not any(words in message for words in RELATIONAL_RULES)
