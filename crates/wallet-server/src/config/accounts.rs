//! The shoppers' accounts (DESIGN.md *The shopper's account*): who may sign up on
//! `/wallet/sign-up`, and above which amount a transfer asks for a step-up.

use checkout_core::{Amount, Currency};

use super::error::ConfigError;
use super::file::FileConfig;
use super::layer::layered;
use super::Mode;

/// Account settings.
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// `/wallet/sign-up` (`signup`: `off`, `test` or `live`): `None` when off, else the
    /// mode of the wallets it opens (`true`: live). The demo opens test wallets; `serve`
    /// is off unless set.
    pub signup: Option<bool>,
    /// The currency of a signed-up wallet (`signup_currency`, CNY by default).
    pub signup_currency: Currency,
    /// A transfer of more than this (major units of the wallet's currency,
    /// `transfer_step_up_above`, 1000 by default) asks for a step-up, like a transfer to
    /// a payee not paid before.
    pub transfer_step_up_above: Amount,
    /// The UTC offset the wallet pages show times in, labelled (`display_utc_offset`,
    /// e.g. `+08:00` for Beijing time): `+08:00` in the demo, `+00:00` in `serve` unless
    /// set.
    pub display_offset: time::UtcOffset,
}

impl AccountSettings {
    /// Reads `signup`, `signup_currency` and `transfer_step_up_above` (and their `BC_`
    /// variables).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the value to fix; `signup = "live"` without a
    /// message gateway (its codes would have nowhere to go).
    pub fn of(mode: Mode, file: &mut FileConfig, gateway: bool) -> Result<Self, ConfigError> {
        let signup = match layered(None, "BC_SIGNUP", file.signup.take())?.as_deref() {
            None if mode == Mode::Demo => Some(false),
            None | Some("off") => None,
            Some("test") => Some(false),
            Some("live") => Some(true),
            Some(other) => {
                return Err(ConfigError::Invalid(format!(
                    "signup: {other:?} is not off, test or live"
                )))
            }
        };
        if signup == Some(true) && !gateway {
            return Err(ConfigError::Invalid(
                "signup = \"live\" sends one-time codes to real contacts: set message_gateway_url and message_gateway_secret, or use signup = \"off\"".into(),
            ));
        }
        let currency = layered(None, "BC_SIGNUP_CURRENCY", file.signup_currency.take())?;
        let signup_currency = currency
            .as_deref()
            .unwrap_or("CNY")
            .parse()
            .map_err(|e| ConfigError::Invalid(format!("signup_currency: {e}")))?;
        let above = layered(
            None,
            "BC_TRANSFER_STEP_UP_ABOVE",
            file.transfer_step_up_above.take(),
        )?;
        let transfer_step_up_above =
            Amount::parse(above.as_deref().unwrap_or("1000")).map_err(|e| {
                ConfigError::Invalid(format!(
                    "transfer_step_up_above: {e}; give an amount in major units, e.g. \"1000.00\""
                ))
            })?;
        let offset = layered(
            None,
            "BC_DISPLAY_UTC_OFFSET",
            file.display_utc_offset.take(),
        )?;
        let default = if mode == Mode::Demo {
            "+08:00"
        } else {
            "+00:00"
        };
        let display_offset = parse_offset(offset.as_deref().unwrap_or(default))?;
        Ok(AccountSettings {
            signup,
            signup_currency,
            transfer_step_up_above,
            display_offset,
        })
    }
}

/// `+08:00`, `-05:30`, `+00:00`.
fn parse_offset(text: &str) -> Result<time::UtcOffset, ConfigError> {
    let format = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    time::UtcOffset::parse(text, &format).map_err(|_| {
        ConfigError::Invalid(format!(
            "display_utc_offset: {text:?} is not an offset like \"+08:00\" (Beijing time) or \"+00:00\""
        ))
    })
}
