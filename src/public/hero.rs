//! One public page per confirmed hero. Drafts are a 404, exactly like a hero
//! who does not exist; contacts are never read here. Once a mile is run in
//! the hero's honour, the page says so, and once its flag is delivered, when
//! and to whom in general terms ("to the family"), never a name or address.
//! The page is read in one round trip: the record, its miles with their
//! delivered flags, the campaign open today and the newest approved reflections.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::PgExecutor;
use sqlx::types::Json;
use uuid::Uuid;

use super::share::ShareTags;
use super::video::embed_url;
use crate::error::AppError;
use crate::flags::model::public_recipient;
use crate::heroes::campaign_model::Campaign;
use crate::heroes::contact_model::ContactKind;
use crate::heroes::model::{Cause, Hero, Service};
use crate::reflections::model::{ReflectionForm, ShownReflection};
use crate::state::AppState;
use crate::vocab::numbers::ordinal;
use crate::web::forms::FormErrors;
use crate::web::lang::Lang;
use crate::web::{Layout, PathId, render_status};

/// A mile as the public hero page tells it.
pub struct Honor {
    pub number: String,
    pub k9: Option<String>,
    pub date: String,
    pub runner: String,
    pub place: String,
    pub video_url: String,
    /// Our own page with the privacy-friendly player, when the video site has one.
    pub video_page: Option<String>,
    /// "Flag delivered to the family on 2 March 2026."
    pub flag: Option<String>,
}

/// A mile that stands, with its flag's delivery when there is one: public fields only.
#[derive(Debug, Deserialize)]
struct PublicMile {
    number: i32,
    k9_number: Option<i32>,
    run_date: NaiveDate,
    runner: String,
    place: String,
    video_url: String,
    delivered_on: Option<NaiveDate>,
    recipient_kind: Option<ContactKind>,
}

impl Honor {
    fn new(m: PublicMile, hero_id: Uuid, lang: Lang) -> Honor {
        Honor {
            flag: m.delivered_on.zip(m.recipient_kind).map(|(on, kind)| match lang {
                Lang::En => format!("Flag delivered to {} on {}.", public_recipient(kind), lang.date(on)),
                Lang::Fr => lang.t2(
                    "hero-flag-delivered",
                    "to",
                    lang.t(french_recipient(kind)),
                    "date",
                    lang.date(on),
                ),
            }),
            number: lang.number(i64::from(m.number)),
            k9: m.k9_number.map(|n| match lang {
                Lang::En => ordinal(n.into()),
                Lang::Fr if n == 1 => "1er".into(),
                Lang::Fr => format!("{}e", lang.number(i64::from(n))),
            }),
            date: lang.date(m.run_date),
            runner: m.runner,
            place: m.place,
            video_page: embed_url(&m.video_url).map(|_| lang.link(&format!("/heroes/{hero_id}/videos/{}", m.number))),
            video_url: m.video_url,
        }
    }
}

/// Who received a flag, in general terms, as a French page says it.
fn french_recipient(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Family => "hero-to-family",
        ContactKind::Agency => "hero-to-agency",
        ContactKind::Handler => "hero-to-handler",
        ContactKind::Intermediary | ContactKind::Other => "hero-to-representative",
    }
}

#[derive(Template)]
#[template(path = "public/hero.html")]
struct HeroPage {
    layout: Layout,
    hero: Hero,
    honors: Vec<Honor>,
    campaign: Option<Campaign>,
    share: ShareTags,
    reflections: Vec<ShownReflection>,
    /// The visitor's reflection form, as typed, with its mistakes.
    form: ReflectionForm,
    errors: FormErrors,
    refusal: Option<String>,
}

/// The reflections a hero page shows at most: the newest approved.
const SHOWN_REFLECTIONS: i64 = 200;

/// A confirmed hero with everything their public page shows.
struct PublicHero {
    hero: Hero,
    honors: Vec<Honor>,
    campaign: Option<Campaign>,
    /// Oldest approval first.
    reflections: Vec<ShownReflection>,
}

pub async fn page(layout: Layout, State(state): State<AppState>, PathId(id): PathId) -> Result<Response, AppError> {
    let blank = ReflectionAnswer {
        form: ReflectionForm::default(),
        errors: FormErrors::default(),
        refusal: None,
        status: StatusCode::OK,
    };
    show(layout, &state, id, blank).await
}

/// The reflection form as it comes back to the visitor: as typed, with what is wrong.
pub struct ReflectionAnswer {
    pub form: ReflectionForm,
    pub errors: FormErrors,
    pub refusal: Option<String>,
    pub status: StatusCode,
}

/// The hero page, with the reflection form in the state `answer` leaves it.
pub async fn show(layout: Layout, state: &AppState, id: Uuid, answer: ReflectionAnswer) -> Result<Response, AppError> {
    let state = state.clone().for_viewer(layout.user.is_some());
    let lang = layout.lang;
    let found = find_public(&state.read, id, state.today(), SHOWN_REFLECTIONS, lang).await?;
    let Some(PublicHero {
        hero,
        honors,
        campaign,
        reflections,
    }) = found
    else {
        // A duplicate merged away: its address leads to the kept record.
        return match crate::heroes::lifecycle_queries::redirect_of(&state.read, id).await? {
            Some(kept) => Ok(axum::response::Redirect::permanent(&layout.hero_link(kept)).into_response()),
            None => Err(AppError::NotFound),
        };
    };
    let base = state.config.base_url();
    let share = ShareTags::for_hero(&hero, honors.first().map(|h| h.number.as_str()), &base, lang);
    render_status(
        answer.status,
        &HeroPage {
            layout,
            hero,
            honors,
            campaign,
            share,
            reflections,
            form: answer.form,
            errors: answer.errors,
            refusal: answer.refusal,
        },
    )
}

/// The confirmed hero, the miles run in their honour, the campaign open `today`
/// and the newest `reflections` approved reflections (shown oldest first).
async fn find_public(
    db: impl PgExecutor<'_>,
    id: Uuid,
    today: NaiveDate,
    reflections: i64,
    lang: Lang,
) -> sqlx::Result<Option<PublicHero>> {
    let row = sqlx::query!(
        r#"select h.id, h.full_name, h.rank_title, h.agency, h.agency_city, h.country, h.region,
                  h.service as "service: Service", h.end_of_watch, h.cause as "cause: Cause", h.age,
                  h.years_of_service, h.badge_number, h.military_veteran, h.narrative, h.biography,
                  h.memorial_links, h.k9_breed, h.k9_handler, h.photo_key,
                  h.confirmed_at as "confirmed_at: DateTime<Utc>", h.confirmation_source,
                  h.updated_at as "updated_at: DateTime<Utc>",
                  coalesce((select json_agg(json_build_object(
                               'number', m.number, 'k9_number', m.k9_number, 'run_date', m.run_date,
                               'runner', r.name, 'place', m.place, 'video_url', m.video_url,
                               'delivered_on', f.delivered_on, 'recipient_kind', f.recipient_kind)
                             order by m.number)
                            from miles m join runners r on r.id = m.runner_id
                            left join flags f on f.mile_id = m.id and f.step = 'delivered'
                            where m.hero_id = h.id and m.voided_at is null), '[]') as "miles!: Json<Vec<PublicMile>>",
                  coalesce((select json_agg(json_build_object(
                               'author_name', x.author_name, 'place', x.place, 'body', x.body,
                               'decided_at', x.decided_at)
                             order by x.decided_at, x.id)
                            from (select author_name, place, body, decided_at, id from reflections
                                  where hero_id = h.id and status = 'approved'
                                  order by decided_at desc, id desc limit $3) x), '[]')
                    as "reflections!: Json<Vec<ShownReflection>>",
                  c.id as "campaign_id?", c.title as "campaign_title?", c.family_line as "family_line?",
                  c.donation_url as "donation_url?", c.goal_cents as "goal_cents?",
                  c.raised_cents as "raised_cents?", c.opens_on as "opens_on?", c.closes_on as "closes_on?"
           from heroes h
           left join lateral (
               select id, title, family_line, donation_url, goal_cents, raised_cents, opens_on, closes_on
               from campaigns
               where hero_id = h.id and closed_at is null and opens_on <= $2 and closes_on >= $2
               order by opens_on desc, id desc limit 1) c on true
           where h.id = $1 and h.confirmed_at is not null"#,
        id,
        today,
        reflections
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let campaign = match (
        row.campaign_id,
        row.campaign_title,
        row.family_line,
        row.donation_url,
        row.goal_cents,
        row.raised_cents,
        row.opens_on,
        row.closes_on,
    ) {
        (
            Some(id),
            Some(title),
            Some(family_line),
            Some(donation_url),
            Some(goal_cents),
            Some(raised_cents),
            Some(opens_on),
            Some(closes_on),
        ) => Some(Campaign {
            id,
            hero_id: row.id,
            title,
            family_line,
            donation_url,
            goal_cents,
            raised_cents,
            opens_on,
            closes_on,
            closed_at: None,
        }),
        _ => None,
    };
    let hero = Hero {
        id: row.id,
        full_name: row.full_name,
        rank_title: row.rank_title,
        agency: row.agency,
        agency_city: row.agency_city,
        country: row.country,
        region: row.region,
        service: row.service,
        end_of_watch: row.end_of_watch,
        cause: row.cause,
        age: row.age,
        years_of_service: row.years_of_service,
        badge_number: row.badge_number,
        military_veteran: row.military_veteran,
        narrative: row.narrative,
        biography: row.biography,
        memorial_links: row.memorial_links,
        k9_breed: row.k9_breed,
        k9_handler: row.k9_handler,
        photo_key: row.photo_key,
        confirmed_at: row.confirmed_at,
        confirmation_source: row.confirmation_source,
        updated_at: row.updated_at,
    };
    let honors = row.miles.0.into_iter().map(|m| Honor::new(m, row.id, lang)).collect();
    Ok(Some(PublicHero {
        hero,
        honors,
        campaign,
        reflections: row.reflections.0,
    }))
}
