//! `Checkout-Signature`: build, verify, tampering, secrets, the 300 s window and malformed
//! headers. The known-answer tag was computed independently (Python `hmac`, SHA-256).
// Test helpers outside #[test] functions may unwrap too: a failure is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use checkout_core::signature::{sign, verify, SignatureHeader, TOLERANCE_SECS};
use checkout_core::SignatureError;

const SECRET: &str = "cs_secret_abc";
const T: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"intent":{"session_id":"cs_1"},"payment_password":"123456"}"#;
const TAG: &str = "56981f8fe87508cf063cb9968dbee27e43a9f33f07ea501cde9db9560560302f";

fn header() -> String {
    format!("t={T},v1={TAG}")
}

#[test]
fn it_signs_the_timestamp_a_dot_and_the_raw_body() {
    assert_eq!(sign(SECRET, T, BODY), header());
}

#[test]
fn it_verifies_its_own_signature() {
    assert_eq!(verify(SECRET, &sign(SECRET, T, BODY), BODY, T), Ok(()));
    assert_eq!(verify(SECRET, &sign(SECRET, T, b""), b"", T + 10), Ok(()));
}

#[test]
fn it_rejects_a_tampered_body() {
    let tampered = BODY
        .iter()
        .map(|&b| if b == b'1' { b'9' } else { b })
        .collect::<Vec<_>>();
    let e = verify(SECRET, &header(), &tampered, T).unwrap_err();
    assert_eq!(e, SignatureError::Mismatch);
    assert_eq!(e.code().code(), "signature_invalid");
    // One extra byte of whitespace is a different body too.
    let mut spaced = BODY.to_vec();
    spaced.push(b' ');
    assert_eq!(
        verify(SECRET, &header(), &spaced, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn it_rejects_a_signature_made_with_another_secret() {
    let other = sign("cs_secret_abd", T, BODY);
    assert_eq!(
        verify(SECRET, &other, BODY, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn it_rejects_a_genuine_header_with_another_timestamp() {
    // Replaying the tag under a fresher `t` breaks the HMAC, since `t` is signed.
    let moved = format!("t={},v1={TAG}", T + 1);
    assert_eq!(
        verify(SECRET, &moved, BODY, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn it_accepts_exactly_300_seconds_either_way_and_rejects_301() {
    assert_eq!(TOLERANCE_SECS, 300);
    assert_eq!(verify(SECRET, &header(), BODY, T + 300), Ok(()));
    assert_eq!(verify(SECRET, &header(), BODY, T - 300), Ok(()));
    let stale = verify(SECRET, &header(), BODY, T + 301).unwrap_err();
    assert_eq!(stale, SignatureError::Expired { age: 301 });
    assert_eq!(stale.code().code(), "signature_expired");
    let future = verify(SECRET, &header(), BODY, T - 301).unwrap_err();
    assert_eq!(future, SignatureError::Expired { age: -301 });
    assert_eq!(future.code().code(), "signature_expired");
    assert!(stale.to_string().contains("301 s away"), "{stale}");
}

#[test]
fn it_checks_the_hmac_before_the_timestamp() {
    // Forged and stale: the forgery is what gets reported.
    assert_eq!(
        verify("wrong", &header(), BODY, T + 10_000),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn it_never_overflows_on_extreme_clocks() {
    let far_future = sign(SECRET, i64::MAX, BODY);
    assert!(matches!(
        verify(SECRET, &far_future, BODY, -1),
        Err(SignatureError::Expired { .. })
    ));
    assert!(matches!(
        verify(SECRET, &header(), BODY, i64::MIN),
        Err(SignatureError::Expired { .. })
    ));
    assert!(matches!(
        verify(SECRET, &sign(SECRET, 0, BODY), BODY, i64::MAX),
        Err(SignatureError::Expired { .. })
    ));
}

#[test]
fn it_accepts_any_of_several_v1_values() {
    let wrong = "0".repeat(64);
    for h in [
        format!("t={T},v1={wrong},v1={TAG}"),
        format!("t={T},v1={TAG},v1={wrong}"),
        format!("v1={TAG},t={T}"),
        format!("t={T}, v1={TAG}"),
        format!("t={T},v0=legacy,v1={TAG},v2=future"),
        format!("t={T},v1={}", TAG.to_uppercase()),
    ] {
        assert_eq!(verify(SECRET, &h, BODY, T), Ok(()), "{h}");
    }
    let all_wrong = format!("t={T},v1={wrong},v1={}", "f".repeat(64));
    assert_eq!(
        verify(SECRET, &all_wrong, BODY, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn it_rejects_malformed_headers_with_a_reason_for_each() {
    let v1 = format!("v1={TAG}");
    let cases = [
        (String::new(), "each part must be key=value"),
        ("garbage".to_owned(), "each part must be key=value"),
        (format!("t={T};{v1}"), "t must be unix seconds"),
        (format!("t={T},{v1},"), "each part must be key=value"),
        (v1.clone(), "t is missing"),
        (format!("t={T}"), "v1 is missing"),
        (format!("t={T},v0={TAG}"), "v1 is missing"),
        (format!("t=,{v1}"), "t must be unix seconds"),
        (format!("t=abc,{v1}"), "t must be unix seconds"),
        (format!("t=-{T},{v1}"), "t must be unix seconds"),
        (format!("t=+{T},{v1}"), "t must be unix seconds"),
        (format!("t=1.5,{v1}"), "t must be unix seconds"),
        (format!("t= {T},{v1}"), "t must be unix seconds"),
        (
            format!("t=99999999999999999999,{v1}"),
            "t must be unix seconds",
        ),
        (format!("t={T},t={T},{v1}"), "t appears twice"),
        (format!("t={T},v1="), "v1 must be 64 hex digits"),
        (
            format!("t={T},v1={}", &TAG[..63]),
            "v1 must be 64 hex digits",
        ),
        (format!("t={T},v1={TAG}00"), "v1 must be 64 hex digits"),
        (
            format!("t={T},v1={}", "z".repeat(64)),
            "v1 must be 64 hex digits",
        ),
        (format!("T={T},{v1}"), "t is missing"),
    ];
    for (h, reason) in cases {
        let e = verify(SECRET, &h, BODY, T).unwrap_err();
        assert_eq!(e, SignatureError::Malformed(reason.to_owned()), "{h:?}");
        assert_eq!(e.code().code(), "signature_invalid");
        assert!(e
            .to_string()
            .contains("expected \"t=<unix seconds>,v1=<64 hex digits>\""));
    }
}

#[test]
fn it_parses_every_v1_in_order() {
    let wrong = "ab".repeat(32);
    let parsed = SignatureHeader::parse(&format!("t=5,v1={TAG},v1={wrong}")).unwrap();
    assert_eq!(parsed.timestamp, 5);
    assert_eq!(parsed.v1.len(), 2);
    assert_eq!(parsed.v1[1], [0xab; 32]);
}
