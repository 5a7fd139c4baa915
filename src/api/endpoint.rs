//! Where a session lives and the secret the widget authenticates with: the URLs of the
//! API's resources and the `Authorization` header.

/// Where a session lives and the secret the widget authenticates with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The backend's origin; empty in the widget, which talks only to the origin of its
    /// frame document (the browser tests set it to reach a test server).
    pub base: String,
    pub session_id: String,
    pub client_secret: String,
}

impl Endpoint {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    #[must_use]
    pub fn session_url(&self) -> String {
        self.url(&format!("/v1/sessions/{}", self.session_id))
    }

    #[must_use]
    pub fn intents_url(&self) -> String {
        self.url(&format!("/v1/sessions/{}/intents", self.session_id))
    }

    /// The intent's summary view (without its quote, which grows with the cart): what a
    /// poll of a pending intent needs.
    #[must_use]
    pub fn intent_url(&self, intent_id: &str) -> String {
        self.url(&format!("/v1/intents/{intent_id}?view=summary"))
    }

    pub(crate) fn authorization(&self) -> String {
        format!("Bearer {}", self.client_secret)
    }
}
