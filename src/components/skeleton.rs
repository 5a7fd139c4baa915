//! The placeholder shown while the session loads.

use yew::prelude::*;

use crate::i18n::Locale;

#[derive(Properties, PartialEq)]
pub struct SkeletonProps {
    pub locale: Locale,
}

#[function_component]
pub fn Skeleton(props: &SkeletonProps) -> Html {
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
