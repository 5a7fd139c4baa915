#!/usr/bin/env python3
"""Independent reference for the known-answer vectors (Python standard library only).

It shares no code with the Rust core: DESIGN.md's rules are re-implemented here in
integer minor units, so that the vectors are not just the core's own output copied back.

    python3 reference.py          # recompute every expected value and report differences
    python3 reference.py --write  # rewrite the expected values of quotes.jsonl,
                                  # digests.json and signatures.json from this reference

Error vectors (those with an "error" key) carry hand-written messages; the reference checks
those of the rules it re-implements (the balance price: above zero, below the unit price)
and that no quote vector breaks them.
"""
import hashlib
import hmac
import json
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPONENT = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3}
DEFAULT_POLICY = {"excluded_categories": ["virtual", "gift_card", "top_up"],
                  "accepting_third_party": [], "shipping_eligible": True,
                  "max_balance_per_order": None}


def minor(text, cur):
    value = Decimal(text) * (10 ** EXPONENT[cur])
    assert value == value.to_integral_value(), (text, cur)
    return int(value)


def major(units, cur):
    e = EXPONENT[cur]
    if e == 0:
        return str(units)
    return f"{units // 10 ** e}.{units % 10 ** e:0{e}d}"


def reason(line, policy):
    if line.get("balance_eligible") is False:
        return "item_excluded"
    if line["category"] in policy["excluded_categories"]:
        return "category_excluded"
    m = line["merchant"]
    if m["kind"] == "third_party" and m["id"] not in policy["accepting_third_party"]:
        return "merchant_not_accepting"
    return None


def largest_remainder(total, weights):
    s = sum(weights)
    if total == 0:
        return [0] * len(weights)
    parts = [total * w // s for w in weights]
    rems = sorted(((total * w % s, i) for i, w in enumerate(weights) if total * w % s),
                  key=lambda r: (-r[0], r[1]))
    for _, i in rems[: total - sum(parts)]:
        parts[i] += 1
    return parts


def cart_error(cart):
    """The first balance-price rule a cart breaks, as the core words it, or None."""
    cur = cart["currency"]
    for i, l in enumerate(cart["lines"]):
        if "balance_price" not in l:
            continue
        unit, bp = minor(l["unit_price"], cur), minor(l["balance_price"], cur)
        at = f"lines[{i}].balance_price"
        if bp >= unit:
            return f"{at}: must be below unit_price ({major(unit, cur)}), got {major(bp, cur)}"
        if bp == 0:
            return (f"{at}: must be above zero, got {major(bp, cur)}; leave it out when "
                    "the line has no balance-only price")
    return None


def quote(req):
    cart = req["cart"]
    cur = cart["currency"]
    policy = dict(DEFAULT_POLICY, **(req.get("policy") or {}))
    rows = []  # (id, reason, standard, at balance price, has balance price)
    for l in cart["lines"]:
        unit = minor(l["unit_price"], cur) * l["quantity"]
        bal = minor(l.get("balance_price", l["unit_price"]), cur) * l["quantity"]
        rows.append((l["id"], reason(l, policy), unit, bal, "balance_price" in l))
    if "shipping" in cart:
        fee = minor(cart["shipping"]["fee"], cur)
        rows.append(("shipping", None if policy["shipping_eligible"] else "shipping_excluded",
                     fee, fee, False))
    standard = sum(r[2] for r in rows)
    e = sum(r[2] for r in rows if r[1] is None)
    e_bal = sum(r[3] for r in rows if r[1] is None)
    any_bp = any(r[4] for r in rows if r[1] is None)
    b = minor(req["balance"], cur)
    cap = req.get("balance_cap")
    cap = None if cap is None else minor(cap, cur)
    mx = policy["max_balance_per_order"]
    mx = None if mx is None else minor(mx, cur)
    a = min(x for x in (b, cap, mx) if x is not None)
    use = req["use_balance"]
    applied = use and any_bp and a >= e_bal
    if applied:
        total, eligible, bal_amt = standard - (e - e_bal), e_bal, e_bal
    else:
        total, eligible, bal_amt = standard, e, (min(a, e) if use else 0)
    hint = (use and any_bp and b < e_bal and not (cap is not None and cap < e_bal)
            and not (mx is not None and mx < e_bal))
    amounts = [r[3] if applied and r[1] is None else r[2] for r in rows]
    weights = [amt if r[1] is None else 0 for r, amt in zip(rows, amounts)]
    shares = largest_remainder(bal_amt, weights)
    M = lambda u: major(u, cur)
    return {
        "currency": cur, "total": M(total), "standard_total": M(standard),
        "savings": M(standard - total), "balance_prices_applied": applied,
        "eligible_total": M(eligible), "balance_amount": M(bal_amt),
        "other_amount": M(total - bal_amt),
        "topup_to_unlock": {"amount": M(e_bal - b), "savings": M(e - e_bal)} if hint else None,
        "lines": [{"id": r[0], "eligible": r[1] is None, "reason": r[1], "amount": M(amt),
                   "balance": M(sh), "other": M(amt - sh)}
                  for r, amt, sh in zip(rows, amounts, shares)],
    }


def canonical(cart):
    cur = cart["currency"]
    out = {"currency": cur, "lines": []}
    for l in cart["lines"]:
        c = {k: v for k, v in l.items()}
        for k in ("unit_price", "balance_price"):
            if k in c:
                c[k] = major(minor(c[k], cur), cur)
        out["lines"].append(c)
    if "shipping" in cart:
        out["shipping"] = {"fee": major(minor(cart["shipping"]["fee"], cur), cur)}
    return json.dumps(out, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def signature(v):
    t = v["timestamp"]
    tag = hmac.new(v["secret"].encode(), f"{t}.".encode() + v["body"].encode(),
                   hashlib.sha256).hexdigest()
    return f"t={t},v1={tag}"


def main():
    write = "--write" in sys.argv
    bad = 0
    lines = (HERE / "quotes.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for text in lines:
        v = json.loads(text)
        try:
            err = cart_error(v["request"]["cart"])
        except (KeyError, TypeError, AssertionError, ArithmeticError):
            err = None  # a malformed cart: its error vector's message is hand-written
        if err is not None and v.get("error") != err:
            bad += 1
            print("cart rule differs:", v["name"], err)
        if "expect" in v:
            got = quote(v["request"])
            if got != v["expect"]:
                bad += 1
                print("quote differs:", v["name"], json.dumps(got))
            v["expect"] = got
        out.append(json.dumps(v, ensure_ascii=False, separators=(",", ":")))
    if write:
        (HERE / "quotes.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    for name, fn, fields in (
        ("digests.json", lambda v: {"canonical": canonical(v["cart"]),
                                    "digest": hashlib.sha256(canonical(v["cart"]).encode()).hexdigest()},
         ("canonical", "digest")),
        ("signatures.json", lambda v: {"header": signature(v)} if "header" not in v or v.get("signed", True) else {},
         ("header",)),
    ):
        vectors = json.loads((HERE / name).read_text(encoding="utf-8"))
        for v in vectors:
            for k, val in fn(v).items():
                if v.get(k) != val:
                    bad += 1
                    print(f"{name} differs:", v["name"], k, val)
                v[k] = val
        if write:
            (HERE / name).write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
    print("differences:", bad)
    return 1 if bad and not write else 0


if __name__ == "__main__":
    sys.exit(main())
