//! The honor roll's filters, parsed once from the URL (so a search can be shared
//! and bookmarked), and the SQL they add. The filters are optional and combine
//! freely, so this SQL is built with sqlx's `QueryBuilder` (bound parameters,
//! never pasted text) instead of a compile-checked literal per combination.

use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::heroes::model::Service;
use crate::heroes::regions::{Country, Region};
use crate::vocab::dates::parse_date;
use crate::web::forms::{Arg, Mistake};

pub const PAGE_SIZE: i64 = 50;

/// The query string as sent; every field optional and kept as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RollQuery {
    pub q: String,
    pub service: String,
    pub country: String,
    pub state: String,
    pub year: String,
    pub status: String,
    pub sort: String,
    pub after: String,
    pub after_id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Closest matches first; the default when searching.
    BestMatch,
    EndOfWatch,
    Name,
}

#[derive(Clone, Debug)]
pub enum Cursor {
    BestMatch(f32, NaiveDate, Uuid),
    EndOfWatch(NaiveDate, Uuid),
    Name(String, Uuid),
}

#[derive(Clone, Debug)]
pub struct RollFilter {
    pub q: Option<String>,
    pub service: Option<Service>,
    pub country: Option<Country>,
    pub region: Option<Region>,
    pub year: Option<i32>,
    /// Honored (has a mile) or still waiting.
    pub honored: Option<bool>,
    pub sort: Sort,
    pub after: Option<Cursor>,
}

/// A filter value that makes no sense, and the field it came from.
#[derive(Debug)]
pub struct FilterError {
    pub field: &'static str,
    pub mistake: Mistake,
}

fn at(field: &'static str) -> impl Fn(Mistake) -> FilterError {
    move |mistake| FilterError { field, mistake }
}

impl RollFilter {
    /// Parses the query; `Err` says what makes no sense.
    pub fn parse(query: &RollQuery, this_year: i32) -> Result<RollFilter, String> {
        RollFilter::parse_fields(query, this_year).map_err(|e| e.mistake.to_string())
    }

    /// Parses the query; `Err` names the field that makes no sense, so a page
    /// can show its message beside it.
    pub fn parse_fields(query: &RollQuery, this_year: i32) -> Result<RollFilter, FilterError> {
        let q = query.q.trim();
        if q.chars().count() > 100 {
            return Err(at("q")(Mistake::new("filter-q-long")));
        }
        if q.chars().any(char::is_control) {
            return Err(at("q")(Mistake::new("filter-q-control")));
        }
        let service = match query.service.trim() {
            "" => None,
            s => Some(Service::parse(s).map_err(at("service"))?),
        };
        let country = match query.country.trim() {
            "" => None,
            c => Some(Country::parse(c).map_err(at("country"))?),
        };
        let region = match query.state.trim() {
            "" => None,
            code => {
                let region = match country {
                    Some(country) => Region::parse(country, code).map_err(at("state"))?,
                    None => Region::find(code).ok_or_else(|| {
                        at("state")(Mistake::new("error-not-region").with("code", Arg::Text(format!("{code:.10}"))))
                    })?,
                };
                Some(region)
            }
        };
        let year = match query.year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (1791..=this_year).contains(&y) => Some(y),
                _ => {
                    return Err(at("year")(
                        Mistake::new("filter-year").with("year", Arg::text(this_year)),
                    ));
                }
            },
        };
        let honored = match query.status.trim() {
            "" => None,
            "honored" => Some(true),
            "waiting" => Some(false),
            _ => return Err(at("status")(Mistake::new("filter-status"))),
        };
        let searching = !q.is_empty();
        let sort = match query.sort.trim() {
            "" | "best" if searching => Sort::BestMatch,
            "" | "best" | "eow" => Sort::EndOfWatch,
            "name" => Sort::Name,
            _ => {
                return Err(at("sort")(Mistake::new("filter-sort")));
            }
        };
        let damaged = || at("after")(Mistake::new("filter-after"));
        let after = match (query.after.trim(), query.after_id.trim()) {
            ("", "") => None,
            (key, id) => {
                let id: Uuid = id.parse().map_err(|_| damaged())?;
                Some(match sort {
                    Sort::BestMatch => {
                        let (score, date) = key.split_once('_').ok_or_else(damaged)?;
                        let score: f32 = score.parse().map_err(|_| damaged())?;
                        Cursor::BestMatch(score, parse_date(date, "cursor").map_err(|_| damaged())?, id)
                    }
                    Sort::EndOfWatch => Cursor::EndOfWatch(parse_date(key, "cursor").map_err(|_| damaged())?, id),
                    Sort::Name => Cursor::Name(key.chars().take(200).collect(), id),
                })
            }
        };
        Ok(RollFilter {
            q: Some(q.to_string()).filter(|q| !q.is_empty()),
            service,
            country: country.or(region.map(|r| r.country)),
            region,
            year,
            honored,
            sort,
            after,
        })
    }

    /// Adds the `where` clause of the filters (confirmed heroes only); the
    /// search's own condition is `public::search`'s.
    pub fn push_where(&self, sql: &mut QueryBuilder<Postgres>) {
        sql.push(" where h.confirmed_at is not null");
        if let Some(service) = self.service {
            sql.push(" and h.service = ").push_bind(service);
        }
        if let Some(country) = self.country {
            sql.push(" and h.country = ").push_bind(country.code());
        }
        if let Some(region) = self.region {
            sql.push(" and h.region = ").push_bind(region.code);
        }
        if let Some(honored) = self.honored {
            // Kept by the miles' triggers, and in the roll's indexes.
            sql.push(if honored {
                " and h.honored"
            } else {
                " and not h.honored"
            });
        }
        if let Some(year) = self.year {
            let start = NaiveDate::from_ymd_opt(year, 1, 1);
            let end = NaiveDate::from_ymd_opt(year + 1, 1, 1);
            sql.push(" and h.end_of_watch >= ")
                .push_bind(start)
                .push(" and h.end_of_watch < ")
                .push_bind(end);
        }
    }

    /// Adds the cursor condition and the order that pagination follows.
    pub fn push_page(&self, sql: &mut QueryBuilder<Postgres>, limit: i64) {
        match &self.after {
            Some(Cursor::BestMatch(score, date, id)) => {
                sql.push(" and (score, h.end_of_watch, h.id) < (")
                    .push_bind(*score)
                    .push("::real, ")
                    .push_bind(*date)
                    .push(", ")
                    .push_bind(*id)
                    .push(")");
            }
            Some(Cursor::EndOfWatch(date, id)) => {
                sql.push(" and (h.end_of_watch, h.id) < (")
                    .push_bind(*date)
                    .push(", ")
                    .push_bind(*id)
                    .push(")");
            }
            Some(Cursor::Name(name, id)) => {
                sql.push(" and (h.sort_name, h.id) > (")
                    .push_bind(name.clone())
                    .push(", ")
                    .push_bind(*id)
                    .push(")");
            }
            None => {}
        }
        match self.sort {
            Sort::BestMatch => sql.push(" order by score desc, h.end_of_watch desc, h.id desc"),
            Sort::EndOfWatch => sql.push(" order by h.end_of_watch desc, h.id desc"),
            Sort::Name => sql.push(" order by h.sort_name, h.id"),
        };
        sql.push(" limit ").push_bind(limit);
    }

    /// The query string for these filters (without the cursor), for links.
    pub fn to_query(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        if let Some(q) = &self.q {
            out.append_pair("q", q);
        }
        if let Some(service) = self.service {
            out.append_pair("service", service.code());
        }
        if let Some(country) = self.country {
            out.append_pair("country", country.code());
        }
        if let Some(region) = self.region {
            out.append_pair("state", region.code);
        }
        if let Some(year) = self.year {
            out.append_pair("year", &year.to_string());
        }
        if let Some(honored) = self.honored {
            out.append_pair("status", if honored { "honored" } else { "waiting" });
        }
        match self.sort {
            Sort::Name => {
                out.append_pair("sort", "name");
            }
            Sort::EndOfWatch if self.q.is_some() => {
                out.append_pair("sort", "eow");
            }
            _ => {}
        }
        out.finish()
    }

    pub fn is_filtered(&self) -> bool {
        self.q.is_some()
            || self.service.is_some()
            || self.country.is_some()
            || self.year.is_some()
            || self.honored.is_some()
    }
}
