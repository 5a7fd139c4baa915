//! Randomness and time from the browser: `crypto.getRandomValues` and `Date.now()`.
//! Kept out of the reducer, which stays pure; callers pass the values in.

/// `n` random bytes from the browser's CSPRNG. Without `crypto` (never in a browser that
/// runs WebAssembly) the bytes stay zero and the backend rejects the reused nonce.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes
}

/// A fresh intent nonce: 32 lower-case hex digits.
#[must_use]
pub fn nonce() -> String {
    hex(&random_bytes::<16>())
}

/// A fresh `Idempotency-Key`: a UUID version 4.
#[must_use]
pub fn uuid_v4() -> String {
    uuid_from_bytes(random_bytes::<16>())
}

/// Formats 16 random bytes as a UUID version 4 (RFC 9562): version and variant bits set.
#[must_use]
pub fn uuid_from_bytes(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// One random byte, for the jitter of retry delays.
#[must_use]
pub fn jitter_byte() -> u8 {
    random_bytes::<1>()[0]
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Unix time in seconds, from `Date.now()`.
#[must_use]
pub fn unix_now() -> i64 {
    // Date.now() is an integral number of milliseconds far inside i64's range, so the
    // conversion is exact; integer division then drops the milliseconds.
    #[allow(clippy::cast_possible_truncation)]
    let millis = js_sys::Date::now() as i64;
    millis.div_euclid(1000)
}
