//! The payment password field's rule: digits only, six at most, each as its ASCII digit
//! whatever keyboard or input method typed it, and a notice for whatever was left out.
//! Pure: the reducer (`state.rs`) and the field (`components/password.rs`) both use it.

/// Why the password field left characters out: shown under it, never silence.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PasswordNotice {
    /// Letters, spaces or symbols were typed or pasted; only digits count.
    NotDigits,
    /// More than six digits; the first six were kept.
    TooLong,
}

/// The zeros of the decimal digit sets a phone keyboard or an input method may send, ten
/// consecutive code points each: ASCII, Arabic-Indic, Extended Arabic-Indic, Devanagari,
/// Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Thai, Lao,
/// Tibetan, Myanmar, Khmer, Mongolian and full-width (Chinese and Japanese IMEs: `１２３`).
const DIGIT_ZEROS: [u32; 19] = [
    0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50,
    0xED0, 0xF20, 0x1040, 0x17E0, 0x1810, 0xFF10,
];

/// The ASCII digit of any digit of [`DIGIT_ZEROS`]' sets.
fn ascii_digit(c: char) -> Option<char> {
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find_map(|&zero| code.checked_sub(zero).filter(|d| *d < 10))
        .and_then(|d| char::from_digit(d, 10))
}

/// Keeps at most six digits of whatever was typed or pasted, each as its ASCII digit
/// (`１２３４５６` is `123456`), and says what was left out, if anything.
#[must_use]
pub fn sanitize_password(input: &str) -> (String, Option<PasswordNotice>) {
    let mut digits = String::with_capacity(6);
    let mut notice = None;
    for c in input.chars() {
        match ascii_digit(c) {
            Some(d) if digits.len() < 6 => digits.push(d),
            Some(_) => notice = notice.or(Some(PasswordNotice::TooLong)),
            None => notice = Some(PasswordNotice::NotDigits),
        }
    }
    (digits, notice)
}
