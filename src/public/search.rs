//! Reading the honor roll at a cost that does not grow with what is typed.
//! This is how signed-in people read it (and everyone, with `ROLL_IN_MEMORY`
//! off); visitors get the very same pages from the roll in memory
//! (`public::live_roll`).
//!
//! A search is two short queries on one connection (three when a page past
//! the last one comes back empty and the matches are counted apart). First
//! each typed word is corrected against the table of distinct words
//! (`search_words`, a few thousand rows): its three closest spellings by
//! trigram distance, the word itself first when it exists, and, when it does
//! not, the words one edit away (found through the index on `hm_deletes`,
//! checked by `spelling`).
//! Then heroes are found by an indexed exact match of those words
//! (`heroes.search_words`, GIN), every word of three letters or more required;
//! shorter words ("de", "3") only rank. A generic word ("police") may still
//! match many heroes, so a search ranks at most the `SEARCH_CAP` matches with
//! the newest end of watch and says "more than" beyond that; its plan is made
//! for the words of each request (an unnamed statement), so the planner sees
//! how common they are and walks the end-of-watch index for common words.
//!
//! Counts cost nothing per page either: the whole roll's count is a row kept by
//! the writes (`roll_totals`), and a filter counts at most `COUNT_CAP` heroes.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use super::roll_filter::RollFilter;
use super::spelling::within_one_edit;
use crate::heroes::model::{Cause, Service};
use crate::heroes::regions::Region;
use crate::state::AppState;

/// A hero as the honor roll, its export and the JSON API list them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RollRow {
    pub id: Uuid,
    pub full_name: String,
    pub rank_title: String,
    pub agency: String,
    pub agency_city: String,
    pub country: String,
    pub region: String,
    pub service: Service,
    pub end_of_watch: NaiveDate,
    pub cause: Cause,
    pub age: Option<i16>,
    pub years_of_service: Option<i16>,
    pub sort_name: String,
    pub score: f32,
    /// How many heroes the search matched, up to its cap (0 when not searching).
    pub matches: i64,
}

impl RollRow {
    /// The region as a page in `lang` writes it.
    pub fn region_in(&self, lang: impl std::borrow::Borrow<crate::web::lang::Lang>) -> &'static str {
        Region::name_of_in(&self.country, &self.region, *lang.borrow())
    }
}

/// A search ranks at most this many matches (those with the newest end of watch).
pub const SEARCH_CAP: i64 = 500;
/// A filter counts at most this many heroes; beyond that it says "more than".
pub const COUNT_CAP: i64 = 1000;
/// Words beyond this many in one search are ignored.
const MAX_WORDS: usize = 10;
/// Spellings a typed word may match at most.
const MAX_SPELLINGS: usize = 6;

/// How long a search waits for its turn before the visitor is asked to come back.
const SEARCH_WAIT: Duration = Duration::from_secs(5);

/// Every search is running and the wait was too long.
pub struct Busy;

/// A turn to search when the filter searches (none is needed otherwise). The
/// turn ends when the permit is dropped, once the page has been read.
pub async fn admit(searches: &Arc<Semaphore>, filter: &RollFilter) -> Result<Option<OwnedSemaphorePermit>, Busy> {
    if filter.q.is_none() {
        return Ok(None);
    }
    match tokio::time::timeout(SEARCH_WAIT, searches.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(Some(permit)),
        _ => Err(Busy),
    }
}

/// How many heroes match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Total {
    Exact(i64),
    MoreThan(i64),
}

impl Total {
    /// The number shown (the cap when there are more).
    pub fn shown(self) -> i64 {
        match self {
            Total::Exact(n) | Total::MoreThan(n) => n,
        }
    }

    pub fn is_capped(self) -> bool {
        matches!(self, Total::MoreThan(_))
    }

    pub(crate) fn capped(counted: i64, cap: i64) -> Total {
        if counted > cap {
            Total::MoreThan(cap)
        } else {
            Total::Exact(counted)
        }
    }
}

/// One typed word, folded, and what the table of words offers for it: its
/// closest spellings, and when it is not in the table, the words one edit away.
pub struct Correction {
    pub word: String,
    pub spellings: Vec<String>,
    pub near: Vec<String>,
}

/// The typed words, folded, and the spellings each required word may match.
#[derive(Debug, Default)]
pub struct Search {
    typed: Vec<String>,
    required: Vec<Vec<String>>,
}

impl Search {
    /// Folds and splits the text as the hero's words are, and corrects each word,
    /// in one query. A search's rows must then be read on the same connection:
    /// the two type columns put the roll's own column types in the connection's
    /// cache before the rows query (an unnamed statement) returns them. sqlx
    /// 0.9.0 looks an uncached result type up between preparing an unnamed
    /// statement and running it, which throws the statement away ("unnamed
    /// prepared statement does not exist", transact-rs/sqlx#4305, fixed upstream
    /// by #4361, not yet released); this statement is named, so its look-up
    /// happens once per connection, when it is first prepared.
    pub async fn correct(conn: &mut PgConnection, q: &str) -> sqlx::Result<Search> {
        let rows = sqlx::query!(
            r#"select t.word as "word!",
                      array(select s.word from search_words s
                            where length(t.word) >= 3 and s.word % t.word
                            order by s.word <-> t.word, s.word collate "C" limit 3) as "spellings!",
                      array(select s.word from search_words s
                            where length(t.word) >= 3 and hm_deletes(s.word) && hm_deletes(t.word)
                              and not exists (select 1 from search_words k where k.word = t.word)
                            order by s.word collate "C") as "near!",
                      null::hero_service as "roll_service: Service",
                      null::hero_cause as "roll_cause: Cause"
               from unnest(hm_words(hm_fold($1))) with ordinality t(word, n)
               order by t.n"#,
            q
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(Search::from_corrections(rows.into_iter().map(|row| Correction {
            word: row.word,
            spellings: row.spellings,
            near: row.near,
        })))
    }

    /// The search for the typed words, in the order typed, and what the word
    /// list offers for each.
    pub fn from_corrections(corrections: impl IntoIterator<Item = Correction>) -> Search {
        let mut search = Search::default();
        for row in corrections {
            if search.typed.len() == MAX_WORDS || search.typed.contains(&row.word) {
                continue;
            }
            if row.word.chars().count() >= 3 {
                // A word not in the table also matches the words one edit away.
                let mut spellings = row.spellings;
                for near in row.near.into_iter().filter(|near| within_one_edit(near, &row.word)) {
                    if !spellings.contains(&near) && spellings.len() < MAX_SPELLINGS {
                        spellings.insert(0, near);
                    }
                }
                search.required.push(spellings);
            }
            search.typed.push(row.word);
        }
        search
    }

    /// The words as typed, folded, without repeats.
    pub fn typed(&self) -> &[String] {
        &self.typed
    }

    /// For each word of three letters or more, the spellings it may match.
    pub fn required(&self) -> &[Vec<String>] {
        &self.required
    }

    /// The condition on `h`: every long word by one of its spellings, or, when
    /// only short words were typed, those words exactly.
    fn push_where(&self, sql: &mut QueryBuilder<Postgres>) {
        if self.typed.is_empty() {
            sql.push(" and false");
        } else if self.required.is_empty() {
            sql.push(" and h.search_words @> ").push_bind(self.typed.clone());
        }
        for spellings in &self.required {
            sql.push(" and h.search_words && ").push_bind(spellings.clone());
        }
    }

    /// The score: how many typed words the hero holds exactly as typed.
    fn push_score(&self, sql: &mut QueryBuilder<Postgres>) {
        sql.push("(0");
        for word in &self.typed {
            sql.push(" + (h.search_words @> ")
                .push_bind(vec![word.clone()])
                .push(")::int");
        }
        sql.push(")::real as score");
    }
}

/// A column of a type of our own added here needs its null column in
/// [`Search::correct`] too (see there).
const COLUMNS: &str = "h.id, h.full_name, h.rank_title, h.agency, h.agency_city, h.country, h.region, \
     h.service, h.end_of_watch, h.cause, h.age, h.years_of_service, h.sort_name";

/// One page of the roll for a visitor or a signed-in person: from this
/// instance's roll in memory when it keeps one and `state` is a visitor's
/// ([`AppState::for_viewer`]), or else from PostgreSQL.
pub async fn page_for(state: &AppState, filter: &RollFilter, limit: i64) -> sqlx::Result<(Vec<RollRow>, Total)> {
    match &state.live {
        Some(live) => Ok(live.page(filter, limit)),
        None => page(&state.read, filter, limit).await,
    }
}

/// One page of the roll (up to `limit` rows after the filter's cursor) and how
/// many heroes match, read on one connection.
pub async fn page(pool: &PgPool, filter: &RollFilter, limit: i64) -> sqlx::Result<(Vec<RollRow>, Total)> {
    let mut conn = pool.acquire().await?;
    let Some(q) = &filter.q else {
        let rows = rows(&mut conn, filter, None, limit).await?;
        let total = if filter.is_filtered() {
            count(&mut conn, filter).await?
        } else {
            let heroes = sqlx::query_scalar!("select heroes from roll_totals")
                .fetch_one(&mut *conn)
                .await?;
            Total::Exact(heroes)
        };
        return Ok((rows, total));
    };
    let search = Search::correct(&mut conn, q).await?;
    let rows = rows(&mut conn, filter, Some(&search), limit).await?;
    let total = match rows.first() {
        Some(row) => Total::capped(row.matches, SEARCH_CAP),
        // Past the last page, or nothing matches: only then count apart.
        None if filter.after.is_some() => search_count(&mut conn, filter, &search).await?,
        None => Total::Exact(0),
    };
    Ok((rows, total))
}

/// Rows for a page: up to `limit` after the filter's cursor, without a count.
async fn rows(
    conn: &mut PgConnection,
    filter: &RollFilter,
    search: Option<&Search>,
    limit: i64,
) -> sqlx::Result<Vec<RollRow>> {
    // Planned for these very words: how common they are decides the plan.
    rows_sql(filter, search, limit)
        .build_query_as()
        .persistent(search.is_none())
        .fetch_all(conn)
        .await
}

/// The query for up to `limit` rows after the filter's cursor, the matches of
/// `search` when there is one. The export streams it; a page reads it whole.
pub fn rows_sql(filter: &RollFilter, search: Option<&Search>, limit: i64) -> QueryBuilder<Postgres> {
    let mut sql = QueryBuilder::<Postgres>::new("select * from (");
    match search {
        // The matches, the newest first, at most the cap, scored and counted;
        // then ranked and paged.
        Some(search) => {
            sql.push("select *, count(*) over () as matches from (select ")
                .push(COLUMNS)
                .push(", ");
            search.push_score(&mut sql);
            sql.push(" from heroes h");
            filter.push_where(&mut sql);
            search.push_where(&mut sql);
            sql.push(" order by h.end_of_watch desc, h.id desc limit ")
                .push_bind(SEARCH_CAP.max(limit) + 1)
                .push(") c");
        }
        None => {
            sql.push("select ")
                .push(COLUMNS)
                .push(", 0::real as score, 0::bigint as matches from heroes h");
            filter.push_where(&mut sql);
        }
    }
    sql.push(") h where true");
    filter.push_page(&mut sql, limit);
    sql
}

async fn count(conn: &mut PgConnection, filter: &RollFilter) -> sqlx::Result<Total> {
    let mut sql = QueryBuilder::<Postgres>::new("select count(*) from (select 1 from heroes h");
    filter.push_where(&mut sql);
    sql.push(" limit ").push_bind(COUNT_CAP + 1).push(") c");
    let counted: i64 = sql.build_query_scalar().fetch_one(conn).await?;
    Ok(Total::capped(counted, COUNT_CAP))
}

async fn search_count(conn: &mut PgConnection, filter: &RollFilter, search: &Search) -> sqlx::Result<Total> {
    let mut sql = QueryBuilder::<Postgres>::new("select count(*) from (select 1 from heroes h");
    filter.push_where(&mut sql);
    search.push_where(&mut sql);
    sql.push(" limit ").push_bind(SEARCH_CAP + 1).push(") c");
    let counted: i64 = sql.build_query_scalar().persistent(false).fetch_one(conn).await?;
    Ok(Total::capped(counted, SEARCH_CAP))
}
