//! A hero record taken back or away: a confirmed hero back to draft (with a
//! reason), a draft deleted, a duplicate merged into the record it duplicates
//! (its miles, flags, runs, contacts, campaigns and photo move; its address
//! redirects). Each is asked for on a page of its own and confirmed there, and
//! each that changes the public side drops the kept public pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::lifecycle_queries as queries;
use super::model::Hero;
use super::queries as heroes;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::cache::ForgetPublicPages;
use crate::web::forms::ReasonForm;
use crate::web::{Layout, PathId, render, render_status};

#[derive(Template)]
#[template(path = "heroes/confirm_action.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub title: String,
    pub hero_name: String,
    pub explanation: Vec<String>,
    pub action: String,
    pub back: String,
    pub button: String,
    /// `get` for a page that asks for what to do next, `post` for the change.
    pub method: &'static str,
    /// The one field asked for (name, label), with its value and mistake.
    pub field: Option<(&'static str, &'static str)>,
    pub value: String,
    pub hidden: Vec<(&'static str, String)>,
    pub error: Option<String>,
}

impl ConfirmPage {
    pub fn for_hero(layout: Layout, hero: &Hero, title: String, what: &str) -> ConfirmPage {
        ConfirmPage {
            layout,
            title,
            hero_name: hero.full_name.clone(),
            explanation: Vec::new(),
            action: format!("/staff/heroes/{}/{what}", hero.id),
            back: format!("/staff/heroes/{}", hero.id),
            button: String::new(),
            method: "post",
            field: None,
            value: String::new(),
            hidden: Vec::new(),
            error: None,
        }
    }
}

async fn hero(state: &AppState, id: Uuid) -> Result<Hero, AppError> {
    heroes::find(&state.pool, id).await?.ok_or(AppError::NotFound)
}

fn unpublish_page(layout: Layout, hero: &Hero) -> ConfirmPage {
    let mut page = ConfirmPage::for_hero(
        layout,
        hero,
        format!("Take {} off the honor roll", hero.full_name),
        "unpublish",
    );
    page.explanation = vec![
        "The record goes back to draft: its public page, its place on the honor roll and in the feeds are gone at once. Its miles and flags stay.".into(),
        "Say why, for the audit trail. Confirm the death again to publish it.".into(),
    ];
    page.button = "Take off the honor roll".into();
    page.field = Some(("reason", "Reason"));
    page
}

pub async fn unpublish_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let hero = hero(&state, id).await?;
    render(&unpublish_page(layout, &hero))
}

pub async fn unpublish(
    act: Acting<Staff>,
    PathId(id): PathId,
    Form(form): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let hero = hero(&act.state, id).await?;
    let reason = match form.reason() {
        Ok(reason) => reason,
        Err(message) => {
            let mut page = unpublish_page(act.layout(), &hero);
            page.error = Some(message);
            page.value = form.reason_typed().to_string();
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let to = format!("/staff/heroes/{id}");
    let mut tx = act.state.pool.begin().await?;
    if !queries::unpublish(&mut *tx, id, act.me.id, act.now).await? {
        return act.refused("This hero is already a draft.", &to).await;
    }
    let change = Change {
        action: "hero.unpublished",
        entity_type: "hero",
        entity_id: id.to_string(),
        summary: format!("{} took {} back to draft: {reason}", act.me.email, hero.full_name),
        details: json!({ "reason": reason, "source_was": hero.confirmation_source }),
    };
    let message = format!("{} is a draft again and off the honor roll.", hero.full_name);
    forget(act.commit(tx, change, message, &to).await)
}

fn delete_page(layout: Layout, hero: &Hero) -> ConfirmPage {
    let mut page = ConfirmPage::for_hero(
        layout,
        hero,
        format!("Delete the draft of {}", hero.full_name),
        "delete",
    );
    page.explanation = vec![
        "For a draft entered by mistake. The record and its private contacts are deleted; this cannot be undone."
            .into(),
        "A draft with a mile, a run or a campaign cannot be deleted: merge it into the record it duplicates instead."
            .into(),
    ];
    page.button = "Delete the draft".into();
    page
}

pub async fn delete_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let hero = hero(&state, id).await?;
    render(&delete_page(layout, &hero))
}

pub async fn delete(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let hero = hero(&act.state, id).await?;
    let mut tx = act.state.pool.begin().await?;
    if !queries::delete_draft(&mut *tx, id).await? {
        let message = "Only a draft with no mile, run or campaign can be deleted.";
        return act.refused(message, &format!("/staff/heroes/{id}")).await;
    }
    let change = Change {
        action: "hero.deleted",
        entity_type: "hero",
        entity_id: id.to_string(),
        summary: format!(
            "{} deleted the draft of {} ({})",
            act.me.email, hero.full_name, hero.agency
        ),
        details: json!({ "full_name": hero.full_name, "agency": hero.agency, "end_of_watch": hero.end_of_watch }),
    };
    act.commit(
        tx,
        change,
        format!("The draft of {} is deleted.", hero.full_name),
        "/staff/heroes",
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    into: String,
}

/// The kept record's id, from its id or any address that ends with it.
fn kept_id(typed: &str) -> Option<Uuid> {
    let typed = typed.trim().trim_end_matches('/');
    let last = typed.rsplit('/').next().unwrap_or(typed);
    last.split(['?', '#']).next().and_then(|id| id.parse().ok())
}

fn merge_page(layout: Layout, duplicate: &Hero, kept: Option<&Hero>, typed: &str) -> ConfirmPage {
    let mut page = ConfirmPage::for_hero(
        layout,
        duplicate,
        format!("Merge {} into another record", duplicate.full_name),
        "merge",
    );
    page.hidden = vec![("into", typed.trim().to_string())];
    if let Some(kept) = kept {
        page.explanation = vec![
            format!(
                "This record ({}, {}, end of watch {}) will be merged into {} ({}, end of watch {}).",
                duplicate.full_name, duplicate.agency, duplicate.end_of_watch, kept.full_name, kept.agency, kept.end_of_watch
            ),
            "Its miles and their flags, its runs, private contacts, campaigns and photo (if the kept record has none) move to the kept record; its public address leads there; this record is deleted. Both ids stay in the audit trail.".into(),
        ];
        page.button = format!("Merge into {}", kept.full_name);
    }
    page
}

pub async fn merge_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
    Query(form): Query<MergeForm>,
) -> Result<Response, AppError> {
    let duplicate = hero(&state, id).await?;
    if form.into.trim().is_empty() {
        // First ask which record to keep.
        let mut page = merge_page(layout, &duplicate, None, "");
        page.method = "get";
        page.field = Some(("into", "Address or id of the record to keep"));
        page.explanation = vec![format!(
            "Open the record {} duplicates, copy its address, and paste it here.",
            duplicate.full_name
        )];
        page.button = "Next".into();
        page.hidden.clear();
        return render(&page);
    }
    match find_kept(&state, &duplicate, &form.into).await? {
        Ok(kept) => render(&merge_page(layout, &duplicate, Some(&kept), &form.into)),
        Err(message) => {
            let mut page = merge_page(layout, &duplicate, None, &form.into);
            page.method = "get";
            page.field = Some(("into", "Address or id of the record to keep"));
            page.value = form.into.trim().to_string();
            page.error = Some(message.into());
            page.button = "Next".into();
            page.hidden.clear();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn find_kept(state: &AppState, duplicate: &Hero, typed: &str) -> Result<Result<Hero, &'static str>, AppError> {
    let Some(kept_id) = kept_id(typed) else {
        return Ok(Err("Paste the address or the id of the record to keep."));
    };
    if kept_id == duplicate.id {
        return Ok(Err("A record cannot be merged into itself."));
    }
    Ok(heroes::find(&state.pool, kept_id)
        .await?
        .ok_or("No hero record has this id."))
}

pub async fn merge(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<MergeForm>) -> Result<Response, AppError> {
    let duplicate = hero(&act.state, id).await?;
    let kept = match find_kept(&act.state, &duplicate, &form.into).await? {
        Ok(kept) => kept,
        Err(message) => return act.refused(message, &format!("/staff/heroes/{id}")).await,
    };
    let mut tx = act.state.pool.begin().await?;
    let Some(moved) = queries::merge(&mut tx, id, kept.id, act.me.id, act.now).await? else {
        return act.refused("One of the two records is gone.", "/staff/heroes").await;
    };
    let change = Change {
        action: "hero.merged",
        entity_type: "hero",
        entity_id: kept.id.to_string(),
        summary: format!(
            "{} merged {} ({id}) into {} ({})",
            act.me.email, duplicate.full_name, kept.full_name, kept.id
        ),
        details: json!({ "merged": id, "kept": kept.id, "moved": moved }),
    };
    let message = format!("{} is merged into this record.", duplicate.full_name);
    forget(
        act.commit(tx, change, message, &format!("/staff/heroes/{}", kept.id))
            .await,
    )
}

/// Marks a change's response so the public page cache drops what it keeps.
fn forget(response: Result<Response, AppError>) -> Result<Response, AppError> {
    response.map(|mut r| {
        r.extensions_mut().insert(ForgetPublicPages);
        r
    })
}

#[cfg(test)]
mod tests {
    use super::kept_id;

    #[test]
    fn the_kept_record_is_read_from_its_id_or_its_address() {
        let id = "0193b0c4-1a2b-7c3d-8e4f-567890abcdef";
        for typed in [
            id.to_string(),
            format!("https://honormile.example/heroes/{id}"),
            format!("/staff/heroes/{id}/"),
            format!(" https://honormile.example/heroes/{id}?lang=fr "),
        ] {
            assert_eq!(kept_id(&typed).map(|u| u.to_string()).as_deref(), Some(id), "{typed}");
        }
        assert_eq!(kept_id("Julian Becerra"), None);
    }
}
