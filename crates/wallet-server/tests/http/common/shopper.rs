//! A shopper's browser on the wallet pages: cookies kept, redirects not followed, the
//! wallet's `Origin` on every form post (as a browser sends it from the wallet's own page).

use super::Server;

/// A signed-in shopper's browser: cookies kept, redirects not followed, the wallet's
/// `Origin` on every form post (as a browser sends it from the wallet's own page).
#[derive(Clone)]
pub struct Shopper {
    pub http: reqwest::Client,
    pub base: String,
    /// The wallet signed in.
    pub id: String,
}

impl Shopper {
    /// Signs in with the wallet's login password ([`super::fixtures::login_of`]).
    pub async fn sign_in(server: &Server, id: &str) -> Shopper {
        Self::sign_in_with(server, id, super::fixtures::login_of(id)).await
    }

    /// A browser that has signed in nowhere yet.
    pub fn browser(server: &Server, id: &str) -> Shopper {
        Shopper {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: server.url.clone(),
            id: id.to_owned(),
        }
    }

    /// Signs in to `account` (a wallet id, or its contact) with `password`.
    pub async fn sign_in_with(server: &Server, account: &str, password: &str) -> Shopper {
        let s = Self::browser(server, account);
        let (status, location) = s
            .post(
                "/wallet/sign-in",
                &[("shopper_id", account), ("password", password)],
            )
            .await;
        assert_eq!((status, location.as_str()), (303, "/wallet/"), "signed in");
        s
    }

    /// Posts a form; the status and the `Location` (or the page's text).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let reply = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .expect("answer");
        let status = reply.status().as_u16();
        let location = reply
            .headers()
            .get("location")
            .map(|v| v.to_str().expect("ascii").to_owned());
        let text = reply.text().await.expect("body");
        (status, location.unwrap_or(text))
    }

    /// Confirms it is the shopper ("step-up", 10 minutes): with a code from the sandbox
    /// inbox when the wallet has a contact, else with the login password again.
    pub async fn step_up(&self) {
        let page = self.page("/wallet/step-up?locale=en").await;
        let (status, location) = if page.contains(r#"action="/wallet/step-up/login""#) {
            let password = super::fixtures::login_of(&self.id);
            self.post("/wallet/step-up/login", &[("login_password", password)])
                .await
        } else {
            let (status, page) = self.post("/wallet/step-up/code/send", &[]).await;
            assert_eq!(status, 200, "{page}");
            let code = self.newest_code().await;
            self.post("/wallet/step-up/code", &[("code", &code)]).await
        };
        assert_eq!(
            (status, location.as_str()),
            (303, "/wallet/security"),
            "stepped up"
        );
    }

    /// The newest code in the sandbox inbox.
    pub async fn newest_code(&self) -> String {
        self.newest_code_to("").await
    }

    /// The newest code in the sandbox inbox for `to` (any recipient when empty).
    pub async fn newest_code_to(&self, to: &str) -> String {
        let inbox: serde_json::Value = self
            .http
            .get(format!("{}/v1/sandbox/messages", self.base))
            .query(&[("to", to)])
            .send()
            .await
            .expect("inbox")
            .json()
            .await
            .expect("inbox JSON");
        let text = inbox["data"][0]["text"].as_str().unwrap_or("").to_owned();
        text.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap_or_else(|| panic!("no code in {inbox}"))
            .to_owned()
    }

    /// `GET path`: the status and the body, whatever the status.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let reply = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("answer");
        (reply.status().as_u16(), reply.text().await.expect("body"))
    }

    /// `GET path`, which must answer 200: its body.
    pub async fn page(&self, path: &str) -> String {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}");
        body
    }

    /// Starts a recharge; its id.
    pub async fn recharge(&self, amount: &str, method: &str) -> String {
        let (status, location) = self
            .post(
                "/wallet/recharge",
                &[("preset", ""), ("custom", amount), ("method", method)],
            )
            .await;
        assert_eq!(status, 303, "{location}");
        location.rsplit('/').next().expect("id").to_owned()
    }

    /// Reviews a transfer; the confirmation's transfer id.
    pub async fn review(&self, to: &str, amount: &str) -> String {
        let (status, page) = self
            .post("/wallet/transfer", &[("to", to), ("amount", amount)])
            .await;
        assert_eq!(status, 200);
        between(&page, r#"name="id" value=""#, "\"")
            .unwrap_or_else(|| panic!("no confirmation: {page}"))
    }

    pub async fn confirm(&self, id: &str, to: &str, amount: &str, password: &str) -> String {
        let (status, page) = self
            .post(
                "/wallet/transfer/confirm",
                &[
                    ("id", id),
                    ("to", to),
                    ("amount", amount),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(status, 200);
        page
    }
}

pub fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_owned())
}
