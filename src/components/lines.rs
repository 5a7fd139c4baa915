//! The order's lines, each with its amount and whether the balance may pay for it (and
//! why not, in plain words).

use std::rc::Rc;

use checkout_core::{Line, Quote, QuoteLine};
use yew::prelude::*;

use crate::format::fill;
use crate::format::{count, money};
use crate::i18n::Locale;
use crate::session::Session;

/// A longer cart lists its first lines and a button for the rest. Hundreds of rows help
/// no shopper on a phone, and re-rendering thousands of them on every change is what
/// made large carts slow (BENCHMARKS.md). The split always covers every line.
pub const COLLAPSED_LINES: usize = 20;

pub struct LinesProps {
    pub locale: Locale,
    pub uid: AttrValue,
    pub session: Rc<Session>,
    pub quote: Rc<Quote>,
    pub show_all: bool,
    pub on_show_all: Callback<bool>,
}

pub fn lines(props: &LinesProps) -> Html {
    let t = props.locale.text();
    let cart_lines = props.session.cart.lines.len();
    let long = cart_lines > COLLAPSED_LINES;
    let shown = |i: usize| !long || props.show_all || i < COLLAPSED_LINES || i >= cart_lines;
    // The quote lists the cart's lines in cart order, then shipping (always shown).
    let rows = props
        .quote
        .lines
        .iter()
        .enumerate()
        .filter(|(i, _)| shown(*i))
        .map(|(i, q)| row(props.locale, props.session.cart.lines.get(i), q));
    let list_id = format!("{}-lines", props.uid);
    let more = long.then(|| more_button(props, cart_lines, &list_id));
    html! {
        <section class="bc-section" aria-label={t.items}>
            <h3 class="bc-heading">{ t.items }</h3>
            <ul class="bc-lines" id={list_id}>{ for rows }</ul>
            { for more }
        </section>
    }
}

/// One line of the quote: the cart's `line`, or shipping when there is none.
fn row(l: Locale, line: Option<&Line>, q: &QuoteLine) -> Html {
    let t = l.text();
    let name = line.map_or(t.shipping, |line| line.name.as_str());
    let detail = line.map(|line| {
        let each = money(l, line.unit_price);
        let qty = line.quantity.to_string();
        fill(t.quantity, &[("qty", &qty), ("price", &each)])
    });
    let balance_price = line
        .and_then(|line| line.balance_price)
        .filter(|_| q.eligible)
        .map(|p| fill(t.balance_price, &[("price", &money(l, p))]));
    let reason = q
        .reason
        .map(|r| t.reason(r, line.map(|line| line.category)));
    html! {
        <li class="bc-line" key={q.id.clone()} data-line={q.id.clone()}>
            <div class="bc-line__main">
                <span class="bc-line__name">{ name }</span>
                <span class="bc-amount">{ money(l, q.amount) }</span>
            </div>
            <div class="bc-line__meta">
                if let Some(d) = detail { <span>{ d }</span> }
                if let Some(bp) = balance_price { <span class="bc-line__bp">{ bp }</span> }
                // Literal classes: a computed `class={…}` would bring Yew's `Classes`.
                if q.eligible {
                    <span class="bc-badge bc-badge--ok">{ t.eligible }</span>
                } else {
                    <span class="bc-badge bc-badge--no">{ t.ineligible }</span>
                }
            </div>
            if let Some(r) = reason { <p class="bc-reason">{ r }</p> }
        </li>
    }
}

/// "Show all N items" / "Show fewer" for a long cart.
fn more_button(props: &LinesProps, cart_lines: usize, list_id: &str) -> Html {
    let t = props.locale.text();
    let show_all = props.show_all;
    let label = if show_all {
        t.show_fewer.to_owned()
    } else {
        fill(t.show_all, &[("n", &count(cart_lines))])
    };
    let onclick = props.on_show_all.reform(move |_: MouseEvent| !show_all);
    html! {
        <button type="button" class="bc-more" aria-controls={list_id.to_owned()}
            aria-expanded={show_all.to_string()} {onclick}>
            { label }
        </button>
    }
}
