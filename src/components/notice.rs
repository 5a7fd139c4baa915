//! An error panel with what to do next, and a retry button when retrying can help.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub message: AttrValue,
    /// `Some((label, callback))` shows a retry button.
    #[prop_or_default]
    pub retry: Option<(AttrValue, Callback<MouseEvent>)>,
}

#[function_component]
pub fn Notice(props: &NoticeProps) -> Html {
    html! {
        <div class="bc-notice" role="alert">
            <p>{ props.message.clone() }</p>
            if let Some((label, onclick)) = &props.retry {
                <button type="button" class="bc-button" onclick={onclick.clone()}>
                    { label.clone() }
                </button>
            }
        </div>
    }
}
