//! The admins' side: the list of the site's pages and one form per page, with a
//! preview that saves nothing. A save is audited, answered with a 303 to the
//! form (which shows the page as visitors now see it), and makes the public
//! page cache forget what it keeps, so visitors see the new text at once.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde_json::json;

use super::markdown::{SafeHtml, to_safe_html};
use super::model::{MAX_TEXT, PageForm, PageText, SitePage};
use super::queries::{self, LastSave};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::cache::ForgetPublicPages;
use crate::web::forms::FormErrors;
use crate::web::{Layout, render, render_status};

/// The page named in the path; any other name is a missing page.
impl<S: Send + Sync> FromRequestParts<S> for SitePage {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        params
            .iter()
            .find_map(|(_, value)| SitePage::from_slug(value))
            .ok_or(AppError::NotFound)
    }
}

/// A page in the admins' list.
pub struct Listed {
    pub page: SitePage,
    /// "Saved 3 December 2026 by Ada Admin", or that it shows its default text.
    pub state: String,
}

#[derive(Template)]
#[template(path = "site_pages/index.html")]
struct IndexPage {
    layout: Layout,
    pages: Vec<Listed>,
}

pub async fn index(Admin(_): Admin, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let saves = queries::last_saves(&state.pool).await?;
    let pages = SitePage::ALL
        .into_iter()
        .map(|page| Listed {
            page,
            state: match saves.iter().find(|s: &&LastSave| s.slug == page.slug()) {
                Some(save) => format!("Saved {} by {}", save.at.format("%-d %B %Y at %H:%M UTC"), save.by),
                None => "Shows its default text: no admin has saved it yet".to_string(),
            },
        })
        .collect();
    render(&IndexPage { layout, pages })
}

#[derive(Template)]
#[template(path = "site_pages/edit.html")]
struct EditPage {
    layout: Layout,
    page: SitePage,
    form: PageForm,
    errors: FormErrors,
    max_text: usize,
    /// The typed text as visitors would see it, when the admin asked for a preview.
    preview: Option<SafeHtml>,
    /// The French text as typed, when the admin asked for a preview and wrote one.
    preview_fr: Option<SafeHtml>,
    /// The page as visitors see it now, in English and (if written) in French.
    current: SafeHtml,
    current_fr: Option<SafeHtml>,
    current_link: Option<String>,
}

async fn edit_page(
    state: &AppState,
    layout: Layout,
    page: SitePage,
    status: StatusCode,
    answer: Option<(PageForm, FormErrors, Option<PageText>)>,
) -> Result<Response, AppError> {
    let current = queries::current(&state.pool, page).await?;
    let (form, errors, preview) = answer.unwrap_or_else(|| (PageForm::of(&current), FormErrors::default(), None));
    let preview_fr = preview
        .as_ref()
        .and_then(|text| text.markdown_fr.as_deref())
        .map(to_safe_html);
    render_status(
        status,
        &EditPage {
            layout,
            page,
            form,
            errors,
            max_text: MAX_TEXT,
            preview: preview.map(|text| to_safe_html(&text.markdown)),
            preview_fr,
            current: to_safe_html(&current.markdown),
            current_fr: current.markdown_fr.as_deref().map(to_safe_html),
            current_link: current.donation_url,
        },
    )
}

pub async fn form(
    Admin(_): Admin,
    layout: Layout,
    page: SitePage,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    edit_page(&state, layout, page, StatusCode::OK, None).await
}

/// Saves the page's text, or shows the typed text as visitors would see it.
pub async fn save(act: Acting<Admin>, page: SitePage, Form(form): Form<PageForm>) -> Result<Response, AppError> {
    let text = match form.parse(page) {
        Ok(text) if !form.wants_preview() => text,
        Ok(text) => {
            let answer = Some((form, FormErrors::default(), Some(text)));
            return edit_page(&act.state, act.layout(), page, StatusCode::OK, answer).await;
        }
        Err(errors) => {
            let answer = Some((form, errors, None));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_page(&act.state, act.layout(), page, status, answer).await;
        }
    };
    let mut tx = act.state.pool.begin().await?;
    let before = queries::current(&mut *tx, page).await?;
    queries::save(&mut *tx, page, &text, act.me.id, act.now).await?;
    let change = Change {
        action: "site_page.saved",
        entity_type: "site_page",
        entity_id: page.slug().to_string(),
        summary: format!("{} saved the {} page", act.me.email, page.title()),
        details: details(&before, &text),
    };
    let to = format!("/admin/pages/{}", page.slug());
    let saved = act
        .commit(tx, change, format!("{} saved. Visitors see it now.", page.title()), &to)
        .await?;
    Ok(ForgetPublicPages::mark(saved))
}

/// What the trail keeps of a save: the sizes of the text, and the donation link
/// before and after (the text itself is public, on the page).
fn details(before: &PageText, after: &PageText) -> serde_json::Value {
    json!({
        "characters": { "before": before.markdown.chars().count(), "after": after.markdown.chars().count() },
        "text_changed": before.markdown != after.markdown,
        "french_characters": {
            "before": before.markdown_fr.as_ref().map(|t| t.chars().count()),
            "after": after.markdown_fr.as_ref().map(|t| t.chars().count()),
        },
        "french_text_changed": before.markdown_fr != after.markdown_fr,
        "donation_url": { "before": before.donation_url, "after": after.donation_url },
    })
}
