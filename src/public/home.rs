//! The home page: the program's counters, the latest miles with their heroes,
//! the next runs, a chart of miles run per month and a map of the heroes
//! honored in each state and province. Visitors' copies come from the page
//! cache, so these queries run at most once per cache period.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate};
use uuid::Uuid;

use super::region_map::{RegionCount, RegionMap};
use super::runs::{UpcomingRun, upcoming};
use crate::error::AppError;
use crate::grants;
use crate::grants::money::month_of;
use crate::state::AppState;
use crate::web::chart::{Column, Frame, Tick, axis, ticks};
use crate::web::lang::Lang;
use crate::web::{Layout, render};

/// Months shown in the chart, this one included.
pub const CHART_MONTHS: u32 = 24;

/// Chart geometry, in SVG user units; the left margin holds the axis labels.
const FRAME: Frame = Frame {
    height: 180,
    step: 24,
    column_width: 18,
    left: 56,
};

/// One month of the chart.
pub struct MonthBar {
    pub month: NaiveDate,
    pub miles: i64,
    pub at: Column,
}

impl MonthBar {
    /// Labels every third month under the axis (all 24 would overlap), January with its year.
    pub fn axis_label(&self, lang: impl std::borrow::Borrow<Lang>) -> Option<String> {
        let lang = *lang.borrow();
        match self.month.month() {
            1 => Some(format!("{} {}", lang.short_month(self.month), self.month.year())),
            4 | 7 | 10 => Some(lang.short_month(self.month)),
            _ => None,
        }
    }
}

pub struct LatestMile {
    pub number: i32,
    pub run_date: NaiveDate,
    pub hero_id: Uuid,
    pub hero_name: String,
    pub rank_title: String,
    pub agency: String,
}

impl LatestMile {
    /// The mile's number, as the number formats take it.
    pub fn number(&self) -> i64 {
        self.number.into()
    }
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    layout: Layout,
    lang: Lang,
    miles: String,
    honored: String,
    waiting: String,
    flags_delivered: String,
    grants_this_year: String,
    grants_in_all: String,
    latest: Vec<LatestMile>,
    runs: Vec<UpcomingRun>,
    bars: Vec<MonthBar>,
    ticks: Vec<Tick>,
    chart_width: i64,
    chart_first: String,
    chart_last: String,
    map: RegionMap,
}

/// Miles that stand, per calendar month from `first` (a first of the month) on;
/// months without a mile are included with 0.
pub async fn miles_per_month(state: &AppState, first: NaiveDate, months: u32) -> sqlx::Result<Vec<(NaiveDate, i64)>> {
    let counted = sqlx::query!(
        r#"select date_trunc('month', run_date)::date as "month!", count(*) as "miles!"
           from miles where voided_at is null and run_date >= $1
           group by 1"#,
        first
    )
    .fetch_all(&state.read)
    .await?;
    Ok((0..months)
        .filter_map(|i| first.checked_add_months(Months::new(i)))
        .map(|month| {
            let miles = counted.iter().find(|c| c.month == month).map_or(0, |c| c.miles);
            (month, miles)
        })
        .collect())
}

async fn honored_per_region(state: &AppState) -> sqlx::Result<Vec<RegionCount>> {
    sqlx::query_as!(
        RegionCount,
        r#"select h.country, h.region, count(*) as "heroes!" from heroes h
           where h.confirmed_at is not null and h.honored
           group by h.country, h.region"#
    )
    .fetch_all(&state.read)
    .await
}

async fn latest_miles(state: &AppState, limit: i64) -> sqlx::Result<Vec<LatestMile>> {
    sqlx::query_as!(
        LatestMile,
        r#"select m.number, m.run_date, h.id as hero_id, h.full_name as hero_name, h.rank_title, h.agency
           from miles m join heroes h on h.id = m.hero_id
           where m.voided_at is null and h.confirmed_at is not null
           order by m.number desc limit $1"#,
        limit
    )
    .fetch_all(&state.read)
    .await
}

pub async fn page(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let state = state.for_viewer(layout.user.is_some());
    let miles = crate::runs::mile_queries::count_miles(&state.read).await?;
    let waiting = crate::runs::queries::backlog_count(&state.read).await?;
    let flags_delivered = crate::flags::queries::count_delivered(&state.read).await?;
    let per_region = honored_per_region(&state).await?;
    let honored: i64 = per_region.iter().map(|r| r.heroes).sum();
    let today = state.today();
    let year = today.year();
    let first_of = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
    // The counters promise grants to injured responders: K9 equipment and family
    // support are other programs, counted on the grant pages beside them.
    let this_year = grants::totals::given_between(&state.read, first_of(year), first_of(year + 1))
        .await?
        .injury;
    let in_all = grants::totals::given_between(&state.read, first_of(1900), first_of(3000))
        .await?
        .injury;

    let this_month = month_of(today);
    let first_month = this_month
        .checked_sub_months(Months::new(CHART_MONTHS - 1))
        .unwrap_or(this_month);
    let months = miles_per_month(&state, first_month, CHART_MONTHS).await?;
    let values: Vec<i64> = months.iter().map(|(_, miles)| *miles).collect();
    let (top, step) = axis(values.iter().copied().max().unwrap_or(0));
    let bars = months
        .iter()
        .zip(FRAME.columns(&values, top))
        .map(|((month, miles), at)| MonthBar {
            month: *month,
            miles: *miles,
            at,
        })
        .collect::<Vec<_>>();

    let lang = layout.lang;
    render(&HomePage {
        layout,
        lang,
        miles: lang.number(miles),
        honored: lang.number(honored),
        waiting: lang.number(waiting),
        flags_delivered: lang.number(flags_delivered),
        grants_this_year: lang.money(this_year),
        grants_in_all: lang.money(in_all),
        latest: latest_miles(&state, 5).await?,
        runs: upcoming(&state, 3).await?,
        ticks: ticks(&FRAME, top, step),
        chart_width: FRAME.width(bars.len()),
        chart_first: lang.month_year(first_month),
        chart_last: lang.month_year(this_month),
        bars,
        map: RegionMap::build(&per_region, lang),
    })
}
