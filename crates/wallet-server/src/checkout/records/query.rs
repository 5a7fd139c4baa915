//! The query of `GET /v1/sessions`, `/v1/intents` and `/v1/refunds`: which of the
//! merchant's objects, newest first, one page at a time.

use checkout_core::{IntentStatus, SessionStatus};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::ApiError;

use crate::http::extract::{page_limit, DEFAULT_LIMIT};

/// Which list is asked: it decides the filters it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sessions,
    Intents,
    Refunds,
}

impl Kind {
    fn route(self) -> &'static str {
        match self {
            Kind::Sessions => "GET /v1/sessions",
            Kind::Intents => "GET /v1/intents",
            Kind::Refunds => "GET /v1/refunds",
        }
    }

    fn takes(self, name: &str) -> bool {
        match name {
            "limit" | "starting_after" | "created_gte" | "created_lt" | "merchant_reference" => {
                true
            }
            "status" => self != Kind::Refunds,
            "session_id" => self != Kind::Sessions,
            "intent_id" => self == Kind::Refunds,
            _ => false,
        }
    }

    fn names(self) -> &'static str {
        match self {
            Kind::Sessions => "limit, starting_after, created_gte, created_lt, merchant_reference, status",
            Kind::Intents => "limit, starting_after, created_gte, created_lt, merchant_reference, status, session_id",
            Kind::Refunds => "limit, starting_after, created_gte, created_lt, merchant_reference, session_id, intent_id",
        }
    }
}

/// A list's filters. Empty strings and the widest bounds mean "any", so that every list
/// is one fixed SQL statement with every parameter bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// 1 to `crate::http::extract::MAX_LIMIT`.
    pub limit: i64,
    /// The id of the last item of the previous page; empty for the first page.
    pub starting_after: String,
    /// Unix seconds, inclusive.
    pub created_gte: i64,
    /// Unix seconds, exclusive.
    pub created_lt: i64,
    pub merchant_reference: String,
    /// A session's or an intent's status code; empty for any.
    pub status: String,
    pub session_id: String,
    pub intent_id: String,
}

impl Default for ListQuery {
    fn default() -> ListQuery {
        ListQuery {
            limit: DEFAULT_LIMIT,
            starting_after: String::new(),
            created_gte: i64::MIN,
            created_lt: i64::MAX,
            merchant_reference: String::new(),
            status: String::new(),
            session_id: String::new(),
            intent_id: String::new(),
        }
    }
}

fn timestamp(name: &str, value: &str) -> Result<i64, ApiError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|_| {
            ApiError::field(
                name,
                "must be an RFC 3339 time such as 2026-12-03T00:00:00Z (as created_at reads)",
            )
        })
}

fn status(kind: Kind, value: &str) -> Result<String, ApiError> {
    let known = match kind {
        Kind::Sessions => SessionStatus::from_code(value).is_some(),
        _ => IntentStatus::from_code(value).is_some(),
    };
    if known {
        Ok(value.to_owned())
    } else if kind == Kind::Sessions {
        Err(ApiError::field(
            "status",
            "must be open, awaiting_payment, completed or expired",
        ))
    } else {
        Err(ApiError::field(
            "status",
            "must be requires_action, succeeded or canceled",
        ))
    }
}

impl ListQuery {
    /// Reads the query string of the list `kind`.
    ///
    /// # Errors
    /// 400 `invalid_request` at the parameter: one the list does not take, a `limit`
    /// outside 1–100, a time that is not RFC 3339, an unknown status.
    pub fn parse(kind: Kind, query: Option<&str>) -> Result<ListQuery, ApiError> {
        let mut q = ListQuery::default();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            if !kind.takes(&name) {
                return Err(ApiError::field(
                    &name,
                    format!("is not a query of {}; use {}", kind.route(), kind.names()),
                ));
            }
            let value = value.into_owned();
            match name.as_ref() {
                "limit" => q.limit = page_limit(&value)?,
                "starting_after" => q.starting_after = value,
                "created_gte" => q.created_gte = timestamp("created_gte", &value)?,
                "created_lt" => q.created_lt = timestamp("created_lt", &value)?,
                "merchant_reference" => q.merchant_reference = value,
                "status" => q.status = status(kind, &value)?,
                "session_id" => q.session_id = value,
                _ => q.intent_id = value,
            }
        }
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_takes_its_own_filters() {
        let q = ListQuery::parse(
            Kind::Refunds,
            Some("limit=2&intent_id=pi_1&created_gte=2026-12-03T00%3A00%3A00Z"),
        )
        .expect("query");
        assert_eq!(q.limit, 2);
        assert_eq!(q.intent_id, "pi_1");
        assert_eq!(q.created_gte, 1_796_256_000);
        let err = ListQuery::parse(Kind::Refunds, Some("status=succeeded")).expect_err("status");
        assert_eq!(err.extra["path"], "status");
        assert!(ListQuery::parse(Kind::Sessions, Some("session_id=cs_1")).is_err());
        assert!(ListQuery::parse(Kind::Intents, Some("status=succeeded")).is_ok());
        assert!(ListQuery::parse(Kind::Intents, Some("status=open")).is_err());
        assert!(ListQuery::parse(Kind::Sessions, Some("status=open")).is_ok());
    }

    #[test]
    fn bad_limits_and_times_name_their_parameter() {
        for bad in ["limit=0", "limit=101", "limit=x", "created_lt=yesterday"] {
            let err = ListQuery::parse(Kind::Intents, Some(bad)).expect_err(bad);
            assert_eq!(err.extra["path"], bad.split('=').next().unwrap_or(""));
        }
        assert_eq!(
            ListQuery::parse(Kind::Intents, None).expect("none"),
            ListQuery::default()
        );
    }
}
