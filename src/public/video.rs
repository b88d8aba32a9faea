//! A mile's video, shown only when the visitor asks for it. The hero page links
//! here rather than embedding a player, so no video site sees a visitor who did
//! not press the link; this page then embeds the privacy-enhanced players
//! (YouTube's no-cookie host, Vimeo with tracking off). A video on any other
//! site is simply linked.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use sqlx::PgExecutor;
use url::Url;
use uuid::Uuid;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, render};

/// The only pages that may show another site's frame, and only these players.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   frame-src https://www.youtube-nocookie.com https://player.vimeo.com; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The privacy-friendly player address for a YouTube or Vimeo link, if it is one.
pub fn embed_url(video_url: &str) -> Option<String> {
    let url = Url::parse(video_url).ok()?;
    let host = url.host_str()?.trim_start_matches("www.").trim_start_matches("m.");
    let plain = |id: &str| {
        !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let mut segments = url.path_segments()?.filter(|s| !s.is_empty());
    match host {
        "youtube.com" => {
            let id = match segments.next()? {
                "watch" => url.query_pairs().find(|(k, _)| k == "v").map(|(_, v)| v.into_owned())?,
                "shorts" | "embed" | "live" => segments.next()?.to_string(),
                _ => return None,
            };
            plain(&id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}"))
        }
        "youtu.be" => {
            let id = segments.next()?;
            plain(id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}"))
        }
        "vimeo.com" => {
            let id = segments.next()?;
            id.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| format!("https://player.vimeo.com/video/{id}?dnt=1"))
        }
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "public/video.html")]
struct VideoPage {
    layout: Layout,
    hero_id: Uuid,
    hero_name: String,
    number: String,
    embed: String,
    video_url: String,
}

/// `GET /heroes/{id}/videos/{number}`: the player for a mile that stands, of a confirmed hero.
pub async fn page(
    layout: Layout,
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (Ok(id), Ok(number)) = (id.parse::<Uuid>(), number.parse::<i32>()) else {
        return Err(AppError::NotFound);
    };
    let (hero_name, video_url) = mile_video(&state.read, id, number).await?.ok_or(AppError::NotFound)?;
    let embed = embed_url(&video_url).ok_or(AppError::NotFound)?;
    let mut response = render(&VideoPage {
        hero_id: id,
        hero_name,
        number: layout.lang.number(i64::from(number)),
        embed,
        video_url,
        layout,
    })?;
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    Ok(response)
}

/// The hero's name and the video of mile `number` run for them, while both are public.
async fn mile_video(db: impl PgExecutor<'_>, hero: Uuid, number: i32) -> sqlx::Result<Option<(String, String)>> {
    let row = sqlx::query!(
        r#"select h.full_name, m.video_url from miles m join heroes h on h.id = m.hero_id
           where h.id = $1 and m.number = $2 and m.voided_at is null and h.confirmed_at is not null"#,
        hero,
        number
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.full_name, r.video_url)))
}

#[cfg(test)]
mod tests {
    use super::embed_url;

    #[test]
    fn youtube_and_vimeo_links_become_their_private_players_and_others_do_not() {
        let yt = Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ".to_string());
        assert_eq!(embed_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3"), yt);
        assert_eq!(embed_url("https://youtu.be/dQw4w9WgXcQ"), yt);
        assert_eq!(embed_url("https://m.youtube.com/shorts/dQw4w9WgXcQ"), yt);
        assert_eq!(
            embed_url("https://vimeo.com/76979871"),
            Some("https://player.vimeo.com/video/76979871?dnt=1".to_string())
        );
        assert_eq!(embed_url("https://www.youtube.com/watch?v=%22onload%3D"), None);
        assert_eq!(embed_url("https://example.org/video.mp4"), None);
        assert_eq!(embed_url("javascript:alert(1)"), None);
    }
}
