//! Runs, runners and miles: their states and the forms parsed once into types
//! the queries trust (a duration, a lap count, a link).

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vocab::dates::parse_date;
use crate::web::forms::{FormErrors, plain_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "run_status", rename_all = "snake_case")]
pub enum RunStatus {
    Scheduled,
    Completed,
    Cancelled,
}

impl RunStatus {
    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Scheduled => "Scheduled",
            RunStatus::Completed => "Completed",
            RunStatus::Cancelled => "Cancelled",
        }
    }
}

/// A run's duration, from 1 second to a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duration(pub i32);

impl Duration {
    /// Accepts "8:15" (minutes and seconds), "1:02:30" (hours too) or "9" (minutes).
    pub fn parse(value: &str) -> Result<Duration, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("Time is required, like 8:15 for 8 minutes 15 seconds.".into());
        }
        let parts: Vec<&str> = value.split(':').collect();
        let numbers: Option<Vec<i64>> = parts
            .iter()
            .map(|p| p.trim().parse::<i64>().ok().filter(|n| *n >= 0))
            .collect();
        let seconds = match (numbers.as_deref(), parts.len()) {
            (Some([minutes]), 1) => minutes.checked_mul(60),
            (Some([minutes, seconds]), 2) if *seconds < 60 => minutes.checked_mul(60).map(|m| m + seconds),
            (Some([hours, minutes, seconds]), 3) if *minutes < 60 && *seconds < 60 => {
                hours.checked_mul(3600).map(|h| h + minutes * 60 + seconds)
            }
            _ => None,
        }
        .ok_or_else(|| "Write the time like 8:15 (minutes:seconds) or 1:02:30.".to_string())?;
        if seconds == 0 {
            return Err("A time of zero is not a run.".into());
        }
        if seconds > 86_400 {
            return Err("A time over a day is not one mile; check the number.".into());
        }
        Ok(Duration(i32::try_from(seconds).unwrap_or(86_400)))
    }

    pub fn display(self) -> String {
        let (h, m, s) = (self.0 / 3600, self.0 % 3600 / 60, self.0 % 60);
        if h > 0 {
            format!("{h}:{m:02}:{s:02}")
        } else {
            format!("{m}:{s:02}")
        }
    }
}

/// An http(s) link or nothing.
pub fn optional_link(value: &str, label: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && value.len() <= 500 => Ok(url.to_string()),
        _ => Err(format!("{label} must be an http or https address.")),
    }
}

/// What the mile form posts.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MileForm {
    pub form_key: String,
    pub hero_id: String,
    pub run_id: String,
    pub runner_id: String,
    pub run_date: String,
    pub place: String,
    pub laps: String,
    pub duration: String,
    pub weather: String,
    pub video_url: String,
    pub briefing: Option<String>,
    pub prayer_before: Option<String>,
    pub flag_carried: Option<String>,
    pub prayer_after: Option<String>,
    pub moment_of_silence: Option<String>,
    /// The shortcut: every step of the ceremony was done.
    pub all_five: Option<String>,
    /// Staff confirm on purpose that a hero who has a mile gets another.
    pub second_mile: Option<String>,
    /// Only for corrections.
    pub reason: String,
}

/// A mile's details that passed every rule (the hero and run are checked against
/// the database by the caller).
#[derive(Clone, Debug, Serialize)]
pub struct MileDetails {
    pub runner_id: Uuid,
    pub run_date: NaiveDate,
    pub place: String,
    pub laps: i16,
    pub duration: Duration,
    pub weather: String,
    pub video_url: String,
    pub briefing: bool,
    pub prayer_before: bool,
    pub flag_carried: bool,
    pub prayer_after: bool,
    pub moment_of_silence: bool,
}

impl MileDetails {
    pub fn parse(form: &MileForm, today: NaiveDate) -> Result<MileDetails, FormErrors> {
        let mut e = FormErrors::default();
        let runner_id = e.check(
            "runner_id",
            form.runner_id
                .trim()
                .parse::<Uuid>()
                .map_err(|_| "Choose who ran.".to_string()),
        );
        let run_date = e.check("run_date", parse_date(&form.run_date, "Date")).and_then(|d| {
            e.check(
                "run_date",
                if d > today {
                    Err("The date cannot be in the future.".to_string())
                } else {
                    Ok(d)
                },
            )
        });
        let place = e.check("place", plain_text(&form.place, "Place", 200, true));
        let laps = e.check(
            "laps",
            match form.laps.trim().parse::<i16>() {
                Ok(n) if (1..=100).contains(&n) => Ok(n),
                Ok(_) => Err("Laps must be between 1 and 100.".to_string()),
                Err(_) => Err("Laps must be a whole number (7 laps of a track make a mile).".to_string()),
            },
        );
        let duration = e.check("duration", Duration::parse(&form.duration));
        let weather = e.check("weather", plain_text(&form.weather, "Weather", 200, false));
        let video_url = e.check("video_url", optional_link(&form.video_url, "Video link"));
        match (runner_id, run_date, place, laps, duration, weather, video_url) {
            (
                Some(runner_id),
                Some(run_date),
                Some(place),
                Some(laps),
                Some(duration),
                Some(weather),
                Some(video_url),
            ) if e.is_empty() => {
                let all = form.all_five.is_some();
                Ok(MileDetails {
                    runner_id,
                    run_date,
                    place,
                    laps,
                    duration,
                    weather,
                    video_url,
                    briefing: all || form.briefing.is_some(),
                    prayer_before: all || form.prayer_before.is_some(),
                    flag_carried: all || form.flag_carried.is_some(),
                    prayer_after: all || form.prayer_after.is_some(),
                    moment_of_silence: all || form.moment_of_silence.is_some(),
                })
            }
            _ => Err(e),
        }
    }
}

/// What the run form posts.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RunForm {
    pub run_date: String,
    pub start_time: String,
    pub place: String,
    pub route: String,
    pub escort_agency: String,
    pub participants: String,
    pub livestream_url: String,
    /// An IANA zone name; empty means the program's own zone.
    pub time_zone: String,
}

/// The zones a run is most often in (the form's list), east to west.
pub const ZONES: [(&str, &str); 12] = [
    ("America/St_Johns", "Newfoundland"),
    ("America/Halifax", "Atlantic (Halifax)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico)"),
    ("America/New_York", "Eastern (New York, Toronto)"),
    ("America/Chicago", "Central (Chicago, Winnipeg)"),
    ("America/Regina", "Saskatchewan"),
    ("America/Denver", "Mountain (Denver, Edmonton)"),
    ("America/Phoenix", "Arizona"),
    ("America/Los_Angeles", "Pacific (Los Angeles, Vancouver)"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
    ("Pacific/Guam", "Guam"),
];

/// Whether the form's list holds this zone (another valid one is shown as itself).
pub fn zone_listed(zone: impl AsRef<str>) -> bool {
    ZONES.iter().any(|(z, _)| *z == zone.as_ref())
}

pub struct RunDetails {
    pub run_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub place: String,
    pub route: String,
    pub escort_agency: String,
    pub participants: String,
    pub livestream_url: String,
    pub time_zone: Tz,
}

impl RunDetails {
    /// `program` is the zone a form without one means.
    pub fn parse(form: &RunForm, program: Tz) -> Result<RunDetails, FormErrors> {
        let mut e = FormErrors::default();
        let time_zone = match form.time_zone.trim() {
            "" => Some(program),
            zone => e.check(
                "time_zone",
                zone.parse::<Tz>()
                    .map_err(|_| "Choose the time zone of the place from the list.".to_string()),
            ),
        };
        let run_date = e.check("run_date", parse_date(&form.run_date, "Date"));
        let start_time = match form.start_time.trim() {
            "" => Some(None),
            t => e.check(
                "start_time",
                NaiveTime::parse_from_str(t, "%H:%M")
                    .map(Some)
                    .map_err(|_| "Write the time like 18:30.".to_string()),
            ),
        };
        let place = e.check("place", plain_text(&form.place, "Place", 200, true));
        let route = e.check("route", plain_text(&form.route, "Route", 500, false));
        let escort_agency = e.check(
            "escort_agency",
            plain_text(&form.escort_agency, "Escort agency", 200, false),
        );
        let participants = e.check(
            "participants",
            plain_text(&form.participants, "Participants", 1000, false),
        );
        let livestream_url = e.check("livestream_url", optional_link(&form.livestream_url, "Livestream link"));
        match (
            run_date,
            start_time,
            place,
            route,
            escort_agency,
            participants,
            livestream_url,
            time_zone,
        ) {
            (
                Some(run_date),
                Some(start_time),
                Some(place),
                Some(route),
                Some(escort_agency),
                Some(participants),
                Some(livestream_url),
                Some(time_zone),
            ) if e.is_empty() => Ok(RunDetails {
                run_date,
                start_time,
                place,
                route,
                escort_agency,
                participants,
                livestream_url,
                time_zone,
            }),
            _ => Err(e),
        }
    }
}
