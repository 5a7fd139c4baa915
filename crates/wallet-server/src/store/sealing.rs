//! Secrets the server must read back (webhook signing secrets) are stored sealed: AES-256-GCM
//! (`aes-gcm`, RustCrypto) under a key derived from the password pepper with HKDF-SHA256
//! (RFC 5869). The pepper never enters the database, so a copy of the database (a backup,
//! a replica's disk) holds no usable webhook secret.
//!
//! Stored form: `sealed.v1.` and the unpadded base64url of the 12-byte random nonce and the
//! ciphertext with its tag. The row's id is the associated data: a sealed value moved to
//! another row does not open. A value without the prefix is one an earlier release stored
//! in clear; [`Sealer::open`] reads it, and the server seals it again at start.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;

use crate::error::ServerError;

const PREFIX: &str = "sealed.v1.";
const NONCE_LEN: usize = 12;

/// The keys that seal and open stored secrets: the current pepper's first, then those of
/// `password_previous_peppers` (a value sealed before a rotation still opens).
#[derive(Clone)]
pub struct Sealer {
    keys: std::sync::Arc<[Aes256Gcm]>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealer({} keys)", self.keys.len())
    }
}

/// HKDF-SHA256 of a pepper, for this one use.
fn key_of(pepper: &str) -> Result<Aes256Gcm, ServerError> {
    let mut okm = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(b"balance-checkout"), pepper.as_bytes())
        .expand(b"webhook secrets v1", &mut okm)
        .map_err(|e| ServerError::internal("the sealing key", e.to_string()))?;
    Ok(Aes256Gcm::new(&Key::<Aes256Gcm>::from(okm)))
}

impl Sealer {
    /// The sealer of `pepper`, opening with `previous` peppers too.
    ///
    /// # Errors
    /// Internal if HKDF refuses the key length (it never does for 32 bytes).
    pub fn new(pepper: &str, previous: &[String]) -> Result<Sealer, ServerError> {
        let keys: Vec<Aes256Gcm> = std::iter::once(pepper)
            .chain(previous.iter().map(String::as_str))
            .map(key_of)
            .collect::<Result<_, _>>()?;
        Ok(Sealer { keys: keys.into() })
    }

    /// `plain` sealed for the row `id`, with the current key.
    ///
    /// # Errors
    /// Internal if AES-GCM refuses (only for a secret of 64 GiB or more).
    pub fn seal(&self, id: &str, plain: &str) -> Result<String, ServerError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: id.as_bytes(),
        };
        let sealed = self.keys[0]
            .encrypt(&Nonce::from(nonce), payload)
            .map_err(|e| ServerError::internal("sealing a secret", e.to_string()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// The secret stored for the row `id`, and whether it is sealed with the current key
    /// (`false`: stored in clear or under a previous pepper; seal it again).
    ///
    /// # Errors
    /// Internal when it opens with no key (the pepper changed without the old one in
    /// `password_previous_peppers`, or the value was altered).
    pub fn open(&self, id: &str, stored: &str) -> Result<(String, bool), ServerError> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok((stored.to_owned(), false));
        };
        let fail = |why: &str| {
            ServerError::internal(
                "a sealed webhook secret",
                format!("{why}; was the password pepper changed without keeping the old one in password_previous_peppers?"),
            )
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| fail("not base64url"))?;
        if bytes.len() < NONCE_LEN {
            return Err(fail("too short"));
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| fail("a bad nonce"))?;
        for (i, key) in self.keys.iter().enumerate() {
            let payload = Payload {
                msg: sealed,
                aad: id.as_bytes(),
            };
            if let Ok(plain) = key.decrypt(&nonce, payload) {
                let plain = String::from_utf8(plain).map_err(|_| fail("not UTF-8"))?;
                return Ok((plain, i == 0));
            }
        }
        Err(fail("it opens with no configured pepper"))
    }
}

#[cfg(test)]
mod tests {
    use super::Sealer;

    #[test]
    fn a_sealed_secret_opens_for_its_row_only_and_across_a_pepper_rotation() {
        let old = Sealer::new("pepper-one-0123456789abcdefghijklmnop", &[]).unwrap();
        let sealed = old.seal("whs_1", "whsec_c2VjcmV0").unwrap();
        assert!(sealed.starts_with("sealed.v1.") && !sealed.contains("c2VjcmV0"));
        assert_eq!(
            old.open("whs_1", &sealed).unwrap(),
            ("whsec_c2VjcmV0".to_owned(), true)
        );
        assert!(old.open("whs_2", &sealed).is_err(), "another row's value");
        assert_ne!(
            old.seal("whs_1", "whsec_c2VjcmV0").unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        let rotated = Sealer::new(
            "pepper-two-0123456789abcdefghijklmnop",
            &["pepper-one-0123456789abcdefghijklmnop".to_owned()],
        )
        .unwrap();
        assert_eq!(
            rotated.open("whs_1", &sealed).unwrap(),
            ("whsec_c2VjcmV0".to_owned(), false)
        );
        let other = Sealer::new("pepper-three-0123456789abcdefghijklm", &[]).unwrap();
        assert!(other.open("whs_1", &sealed).is_err());
        assert_eq!(
            old.open("whs_1", "whsec_clear").unwrap(),
            ("whsec_clear".to_owned(), false)
        );
    }
}
