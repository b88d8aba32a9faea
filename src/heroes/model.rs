//! The hero record: its fixed lists (service, cause), the row as stored, and the
//! form parsed once into a `HeroInput` that the queries can trust.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::regions::{Country, Region};
use crate::vocab::dates::parse_date;
use crate::web::forms::{FormErrors, Mistake, plain_text};
use crate::web::lang::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "hero_service", rename_all = "snake_case")]
pub enum Service {
    Police,
    Fire,
    Ems,
    Corrections,
    K9,
    Other,
}

impl Service {
    pub const ALL: [Service; 6] = [
        Service::Police,
        Service::Fire,
        Service::Ems,
        Service::Corrections,
        Service::K9,
        Service::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Service::Police => "police",
            Service::Fire => "fire",
            Service::Ems => "ems",
            Service::Corrections => "corrections",
            Service::K9 => "k9",
            Service::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Service::Police => "Police",
            Service::Fire => "Fire",
            Service::Ems => "EMS",
            Service::Corrections => "Corrections",
            Service::K9 => "K9",
            Service::Other => "Other",
        }
    }

    /// The label as a page in `lang` writes it (the message `service-<code>`).
    pub fn label_in(self, lang: impl std::borrow::Borrow<Lang>) -> String {
        lang.borrow().t(&format!("service-{}", self.code()))
    }

    pub fn parse(value: &str) -> Result<Service, Mistake> {
        let value = value.trim().to_ascii_lowercase();
        Service::ALL
            .into_iter()
            .find(|s| s.code() == value || s.label().to_ascii_lowercase() == value)
            .ok_or_else(|| Mistake::new("error-choose-service"))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "hero_cause", rename_all = "snake_case")]
pub enum Cause {
    Gunfire,
    VehicleAssault,
    VehicleCrash,
    StruckByVehicle,
    Fall,
    HeartAttack,
    DutyIllness,
    Drowning,
    Fire,
    Stabbing,
    Assault,
    Aircraft,
    Other,
}

impl Cause {
    pub const ALL: [Cause; 13] = [
        Cause::Gunfire,
        Cause::VehicleAssault,
        Cause::VehicleCrash,
        Cause::StruckByVehicle,
        Cause::Fall,
        Cause::HeartAttack,
        Cause::DutyIllness,
        Cause::Drowning,
        Cause::Fire,
        Cause::Stabbing,
        Cause::Assault,
        Cause::Aircraft,
        Cause::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Cause::Gunfire => "gunfire",
            Cause::VehicleAssault => "vehicle_assault",
            Cause::VehicleCrash => "vehicle_crash",
            Cause::StruckByVehicle => "struck_by_vehicle",
            Cause::Fall => "fall",
            Cause::HeartAttack => "heart_attack",
            Cause::DutyIllness => "duty_illness",
            Cause::Drowning => "drowning",
            Cause::Fire => "fire",
            Cause::Stabbing => "stabbing",
            Cause::Assault => "assault",
            Cause::Aircraft => "aircraft",
            Cause::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Cause::Gunfire => "Gunfire",
            Cause::VehicleAssault => "Vehicular assault",
            Cause::VehicleCrash => "Vehicle crash",
            Cause::StruckByVehicle => "Struck by vehicle",
            Cause::Fall => "Fall",
            Cause::HeartAttack => "Heart attack",
            Cause::DutyIllness => "Duty-related illness",
            Cause::Drowning => "Drowning",
            Cause::Fire => "Fire",
            Cause::Stabbing => "Stabbing",
            Cause::Assault => "Assault",
            Cause::Aircraft => "Aircraft accident",
            Cause::Other => "Other",
        }
    }

    /// The label as a page in `lang` writes it (the message `cause-<code>`).
    pub fn label_in(self, lang: impl std::borrow::Borrow<Lang>) -> String {
        lang.borrow().t(&format!("cause-{}", self.code()))
    }

    pub fn parse(value: &str) -> Result<Cause, String> {
        let value = value.trim().to_ascii_lowercase();
        Cause::ALL
            .into_iter()
            .find(|c| c.code() == value || c.label().to_ascii_lowercase() == value)
            .ok_or_else(|| "Choose a cause from the list.".into())
    }
}

/// A hero as stored (public fields; contacts live in their own table).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Hero {
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
    pub badge_number: String,
    pub military_veteran: bool,
    pub narrative: String,
    pub biography: String,
    pub memorial_links: Vec<String>,
    pub k9_breed: Option<String>,
    pub k9_handler: Option<String>,
    pub photo_key: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmation_source: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Hero {
    pub fn is_confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }

    pub fn region_name(&self) -> &'static str {
        Region::name_of(&self.country, &self.region)
    }

    pub fn place(&self) -> String {
        self.place_in(Lang::En)
    }

    /// "Austin, Texas", the region named as a page in `lang` writes it.
    pub fn place_in(&self, lang: impl std::borrow::Borrow<Lang>) -> String {
        let lang = *lang.borrow();
        let region = Region::name_of_in(&self.country, &self.region, lang);
        match (self.agency_city.is_empty(), region.is_empty()) {
            (false, false) => format!("{}, {region}", self.agency_city),
            (true, false) => region.to_string(),
            _ => self.agency_city.clone(),
        }
    }

    /// "Officer Jane Doe" or just the name.
    pub fn title_and_name(&self) -> String {
        if self.rank_title.is_empty() {
            self.full_name.clone()
        } else {
            format!("{} {}", self.rank_title, self.full_name)
        }
    }
}

/// What the hero form posts; every field as typed, so the form can be re-shown.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct HeroForm {
    pub full_name: String,
    pub rank_title: String,
    pub agency: String,
    pub agency_city: String,
    pub country: String,
    pub region: String,
    pub service: String,
    pub end_of_watch: String,
    pub cause: String,
    pub age: String,
    pub years_of_service: String,
    pub badge_number: String,
    pub military_veteran: Option<String>,
    pub narrative: String,
    pub biography: String,
    pub memorial_links: String,
    pub k9_breed: String,
    pub k9_handler: String,
    /// Set when staff have seen the likely-duplicate warning and saved anyway.
    pub not_a_duplicate: Option<String>,
}

impl HeroForm {
    pub fn from_hero(hero: &Hero) -> HeroForm {
        HeroForm {
            full_name: hero.full_name.clone(),
            rank_title: hero.rank_title.clone(),
            agency: hero.agency.clone(),
            agency_city: hero.agency_city.clone(),
            country: String::new(),
            region: format!("{}-{}", hero.country, hero.region),
            service: hero.service.code().into(),
            end_of_watch: hero.end_of_watch.to_string(),
            cause: hero.cause.code().into(),
            age: hero.age.map(|a| a.to_string()).unwrap_or_default(),
            years_of_service: hero.years_of_service.map(|y| y.to_string()).unwrap_or_default(),
            badge_number: hero.badge_number.clone(),
            military_veteran: hero.military_veteran.then(|| "on".into()),
            narrative: hero.narrative.clone(),
            biography: hero.biography.clone(),
            memorial_links: hero.memorial_links.join("\n"),
            k9_breed: hero.k9_breed.clone().unwrap_or_default(),
            k9_handler: hero.k9_handler.clone().unwrap_or_default(),
            not_a_duplicate: None,
        }
    }

    pub fn is_veteran(&self) -> bool {
        self.military_veteran.is_some()
    }
}

/// A hero record that passed every rule.
#[derive(Clone, Debug)]
pub struct HeroInput {
    pub full_name: String,
    pub rank_title: String,
    pub agency: String,
    pub agency_city: String,
    pub region: Region,
    pub service: Service,
    pub end_of_watch: NaiveDate,
    pub cause: Cause,
    pub age: Option<i16>,
    pub years_of_service: Option<i16>,
    pub badge_number: String,
    pub military_veteran: bool,
    pub narrative: String,
    pub biography: String,
    pub memorial_links: Vec<String>,
    pub k9_breed: Option<String>,
    pub k9_handler: Option<String>,
}

fn one_line(value: &str, label: &str, max: usize, required: bool) -> Result<String, String> {
    Ok(crate::web::forms::one_line(value, label, max, required)?)
}

fn whole_number(value: &str, label: &str, min: i16, max: i16) -> Result<Option<i16>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let number: i16 = value.parse().map_err(|_| format!("{label} must be a whole number."))?;
    if number < min || number > max {
        return Err(format!("{label} must be between {min} and {max}."));
    }
    Ok(Some(number))
}

/// A date of the past: the program's window (from 1791), not after today.
fn past_date(value: &str, label: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = parse_date(value, label)?;
    if date > today {
        return Err(format!("{label} cannot be in the future."));
    }
    Ok(date)
}

fn links(value: &str) -> Result<Vec<String>, String> {
    let lines: Vec<&str> = value.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() > 5 {
        return Err("Give at most 5 links, one per line.".into());
    }
    lines
        .into_iter()
        .map(|line| {
            let url = url::Url::parse(line).map_err(|_| format!("{line:.60} is not a web address."))?;
            if !matches!(url.scheme(), "http" | "https") || line.len() > 500 {
                return Err(format!(
                    "{line:.60} must be an http or https address under 500 characters."
                ));
            }
            Ok(url.to_string())
        })
        .collect()
}

impl HeroInput {
    pub fn parse(form: &HeroForm, today: NaiveDate) -> Result<HeroInput, FormErrors> {
        let mut e = FormErrors::default();
        let full_name = e.check("full_name", one_line(&form.full_name, "Full name", 200, true));
        let rank_title = e.check("rank_title", one_line(&form.rank_title, "Rank or title", 100, false));
        let agency = e.check("agency", one_line(&form.agency, "Agency", 200, true));
        let agency_city = e.check("agency_city", one_line(&form.agency_city, "City", 100, false));
        // The form's one select sends "US-FL"; a CSV row has separate columns.
        let (country_text, region_text) = match form.region.split_once('-') {
            Some((country, region)) if form.country.trim().is_empty() => (country, region),
            _ => (form.country.as_str(), form.region.as_str()),
        };
        // The staff form has one field for both: an empty one asks for the state.
        let one_field = form.country.trim().is_empty();
        let country = e.check(
            "region",
            Country::parse(country_text).map_err(|message| {
                if one_field {
                    "Choose a state or province.".to_string()
                } else {
                    message.to_string()
                }
            }),
        );
        let region = country.and_then(|c| e.check("region", Region::parse(c, region_text)));
        let service = e.check("service", Service::parse(&form.service));
        let end_of_watch = e.check("end_of_watch", past_date(&form.end_of_watch, "End of watch", today));
        let cause = e.check("cause", Cause::parse(&form.cause));
        let is_k9 = service == Some(Service::K9);
        let (min_age, max_age) = if is_k9 { (0, 25) } else { (16, 110) };
        let age = e.check("age", whole_number(&form.age, "Age", min_age, max_age));
        let years = e.check(
            "years_of_service",
            whole_number(&form.years_of_service, "Years of service", 0, 80),
        );
        let badge_number = e.check("badge_number", one_line(&form.badge_number, "Badge number", 50, false));
        let narrative = e.check(
            "narrative",
            plain_text(&form.narrative, "Incident narrative", 10000, false),
        );
        let biography = e.check("biography", plain_text(&form.biography, "Biography", 10000, false));
        let memorial_links = e.check("memorial_links", links(&form.memorial_links));
        let k9_breed = e.check("k9_breed", one_line(&form.k9_breed, "Breed", 100, false));
        let k9_handler = e.check("k9_handler", one_line(&form.k9_handler, "Handler", 200, false));
        if !is_k9 && (!form.k9_breed.trim().is_empty() || !form.k9_handler.trim().is_empty()) {
            e.add(
                "k9_breed",
                "Breed and handler are only for K9 heroes; clear them or choose K9.",
            );
        }
        if let (Some(age), Some(Some(years))) = (age, years)
            && let Some(age) = age
            && !is_k9
            && years > age - 14
        {
            e.add("years_of_service", "Years of service cannot exceed the age less 14.");
        }
        match (
            full_name,
            rank_title,
            agency,
            agency_city,
            region,
            service,
            end_of_watch,
            cause,
            age,
            years,
            badge_number,
            narrative,
            biography,
            memorial_links,
            k9_breed,
            k9_handler,
        ) {
            (
                Some(full_name),
                Some(rank_title),
                Some(agency),
                Some(agency_city),
                Some(region),
                Some(service),
                Some(end_of_watch),
                Some(cause),
                Some(age),
                Some(years_of_service),
                Some(badge_number),
                Some(narrative),
                Some(biography),
                Some(memorial_links),
                Some(k9_breed),
                Some(k9_handler),
            ) if e.is_empty() => Ok(HeroInput {
                full_name,
                rank_title,
                agency,
                agency_city,
                region,
                service,
                end_of_watch,
                cause,
                age,
                years_of_service,
                badge_number,
                military_veteran: form.is_veteran(),
                narrative,
                biography,
                memorial_links,
                k9_breed: Some(k9_breed).filter(|b| is_k9 && !b.is_empty()),
                k9_handler: Some(k9_handler).filter(|h| is_k9 && !h.is_empty()),
            }),
            _ => Err(e),
        }
    }
}
