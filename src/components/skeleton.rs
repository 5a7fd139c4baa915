//! The placeholder shown while the session loads.

use yew::prelude::*;

use crate::i18n::Locale;

pub struct SkeletonProps {
    pub locale: Locale,
}

pub fn skeleton(props: &SkeletonProps) -> Html {
    html! {
        <div class="bc-skeleton" role="status" aria-busy="true">
            <span class="bc-sr-only">{ props.locale.text().loading }</span>
            <div class="bc-skel bc-skel--wide" aria-hidden="true"></div>
            <div class="bc-skel" aria-hidden="true"></div>
            <div class="bc-skel bc-skel--wide" aria-hidden="true"></div>
            <div class="bc-skel bc-skel--button" aria-hidden="true"></div>
        </div>
    }
}
