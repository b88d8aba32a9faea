//! The five pages as visitors see them: the same for everyone, so the page
//! cache keeps them (an admin's save makes it forget them at once).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::markdown::{SafeHtml, to_safe_html};
use super::model::SitePage;
use super::queries;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::lang::Lang;
use crate::web::{Layout, render};

#[derive(Template)]
#[template(path = "site_pages/page.html")]
struct PublicPage {
    layout: Layout,
    page: SitePage,
    html: SafeHtml,
    /// The language the text is written in: English on a French page that has no French text.
    written_in: Lang,
    donation_url: Option<String>,
}

async fn show(page: SitePage, layout: Layout, state: AppState) -> Result<Response, AppError> {
    let state = state.for_viewer(layout.user.is_some());
    let text = queries::current(&state.read, page).await?;
    let (markdown, written_in) = text.in_lang(layout.lang);
    let html = to_safe_html(markdown);
    render(&PublicPage {
        layout,
        page,
        html,
        written_in,
        donation_url: text.donation_url,
    })
}

pub async fn about(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    show(SitePage::About, layout, state).await
}

pub async fn donate(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    show(SitePage::Donate, layout, state).await
}

pub async fn contact(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    show(SitePage::Contact, layout, state).await
}

pub async fn privacy(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    show(SitePage::Privacy, layout, state).await
}

pub async fn accessibility(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    show(SitePage::Accessibility, layout, state).await
}
