//! The `checkout-quote` command: JSON Lines in, one answer line per request out, exit 0.
#![cfg(not(target_arch = "wasm32"))]
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn run(input: &[u8]) -> (i32, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_checkout-quote"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Write from another thread: the command answers while it reads, and a large input
    // would otherwise fill both pipes and block both processes.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    (
        out.status.code().unwrap(),
        lines,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn design_request(balance: &str) -> Value {
    json!({
        "cart": {
            "currency": "CNY",
            "lines": [
                {"id": "L1", "sku": "100012043978", "name": "Kettle", "quantity": 2,
                 "unit_price": "59.90", "balance_price": "55.00",
                 "merchant": {"id": "self", "kind": "self_operated"}, "category": "physical"},
                {"id": "L2", "sku": "GC-100", "name": "Game card", "quantity": 1,
                 "unit_price": "100.00",
                 "merchant": {"id": "m-778", "kind": "third_party"}, "category": "virtual"}
            ],
            "shipping": {"fee": "6.00"}
        },
        "balance": balance,
        "use_balance": true,
        "balance_cap": null
    })
}

fn bad_decimals_request() -> Value {
    let mut r = design_request("120.50");
    r["cart"]["lines"].as_array_mut().unwrap().push(
        json!({"id": "L3", "name": "Cup", "quantity": 1, "unit_price": "1.005",
                     "merchant": {"id": "self", "kind": "self_operated"}, "category": "physical"}),
    );
    r
}

#[test]
fn it_answers_each_request_with_one_line_and_carries_on_after_bad_ones() {
    let input = [
        design_request("120.50").to_string(),
        bad_decimals_request().to_string(),
        "this is not json".to_owned(),
        design_request("100.00").to_string(),
        json!({"cart": {"currency": "JPY", "lines": []}, "balance": "1", "use_balance": true})
            .to_string(),
        design_request("0.00").to_string(),
    ]
    .join("\n");
    let (code, lines, stderr) = run(input.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["total"], "216.00");
    assert_eq!(lines[0]["balance_amount"], "116.00");
    assert_eq!(
        lines[1],
        json!({"error": {"code": "invalid_request",
                         "message": "lines[2].unit_price: CNY allows 2 decimals, got \"1.005\""}})
    );
    assert_eq!(lines[2]["error"]["code"], "invalid_request");
    assert!(lines[2]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("not valid JSON"));
    assert_eq!(
        lines[3]["topup_to_unlock"],
        json!({"amount": "16.00", "savings": "9.80"})
    );
    assert_eq!(
        lines[4]["error"]["message"],
        "lines: a cart needs at least one line"
    );
    assert_eq!(lines[5]["balance_amount"], "0.00");
    assert_eq!(lines[5]["other_amount"], "225.80");
}

#[test]
fn it_writes_the_quote_exactly_as_the_contract_shows() {
    let (code, lines, _) = run(format!("{}\n", design_request("120.50")).as_bytes());
    assert_eq!(code, 0);
    assert_eq!(
        lines,
        vec![
            json!({"currency":"CNY","total":"216.00","standard_total":"225.80","savings":"9.80",
            "balance_prices_applied":true,"eligible_total":"116.00","balance_amount":"116.00",
            "other_amount":"100.00","topup_to_unlock":null,
            "lines":[{"id":"L1","eligible":true,"reason":null,"amount":"110.00","balance":"110.00","other":"0.00"},
                     {"id":"L2","eligible":false,"reason":"category_excluded","amount":"100.00","balance":"0.00","other":"100.00"},
                     {"id":"shipping","eligible":true,"reason":null,"amount":"6.00","balance":"6.00","other":"0.00"}]})
        ]
    );
}

#[test]
fn it_skips_blank_lines_and_accepts_crlf_and_a_missing_final_newline() {
    let input = format!(
        "\n{}\r\n   \n{}",
        design_request("120.50"),
        design_request("1.00")
    );
    let (code, lines, _) = run(input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["total"], "216.00");
    assert_eq!(lines[1]["balance_amount"], "1.00");
}

#[test]
fn it_reports_a_line_that_is_not_utf8_and_goes_on() {
    let mut input = b"{\"cart\": \"\xff\xfe\"}\n".to_vec();
    input.extend_from_slice(design_request("120.50").to_string().as_bytes());
    let (code, lines, _) = run(&input);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("the line is not valid UTF-8"));
    assert_eq!(lines[1]["total"], "216.00");
}

#[test]
fn it_answers_nothing_to_empty_input() {
    let (code, lines, _) = run(b"");
    assert_eq!(code, 0);
    assert!(lines.is_empty());
}

#[test]
fn it_answers_a_thousand_requests_in_order() {
    let input: String = (0..1000)
        .map(|i| format!("{}\n", design_request(&format!("{i}.00"))))
        .collect();
    let (code, lines, _) = run(input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 1000);
    for (i, line) in lines.iter().enumerate() {
        let expected = if i >= 116 {
            "116.00".to_owned()
        } else {
            format!("{i}.00")
        };
        assert_eq!(line["balance_amount"], expected.as_str(), "request {i}");
    }
}

#[test]
fn it_refuses_a_balance_price_of_zero_with_the_field_path() {
    // Issue 16: a 15.00 item with a balance price of 0.00 was free with no balance at all.
    let mut request = design_request("0.00");
    request["cart"]["lines"][0]["balance_price"] = json!("0.00");
    let (code, lines, stderr) = run(request.to_string().as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        lines,
        vec![json!({"error": {"code": "invalid_request",
            "message": "lines[0].balance_price: must be above zero, got 0.00; \
                        leave it out when the line has no balance-only price"}})]
    );
}
