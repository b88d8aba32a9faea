//! The secret in a private link (a password link, an applicant's status link):
//! 256 random bits written as 64 hex digits. Only the link holds it; the
//! database keeps its SHA-256, so a copy of the database opens nothing.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new secret for a link, and the hash to store.
pub fn new_link_secret() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let hash = hash_of(&secret);
    (secret, hash)
}

/// The hash stored for `secret`.
pub fn hash_of(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The hash to look up, when `typed` has the shape of a secret at all.
pub fn hash_if_shaped(typed: &str) -> Option<Vec<u8>> {
    (typed.len() == 64 && typed.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hash_of(typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_found_by_its_hash_and_nothing_else_is() {
        let (secret, hash) = new_link_secret();
        assert_eq!(hash_if_shaped(&secret), Some(hash));
        assert_ne!(new_link_secret().0, secret);
        assert_eq!(hash_if_shaped("not-a-secret"), None);
        assert_eq!(hash_if_shaped(&"g".repeat(64)), None);
    }
}
