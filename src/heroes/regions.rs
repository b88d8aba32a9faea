//! Countries and their state, province and territory codes (USPS and Canada Post),
//! with their names in English and French.

use crate::web::forms::{Arg, Mistake};
use crate::web::lang::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Country {
    Us,
    Ca,
}

impl Country {
    pub const ALL: [Country; 2] = [Country::Us, Country::Ca];

    pub fn parse(value: &str) -> Result<Country, Mistake> {
        match value.trim().to_ascii_uppercase().as_str() {
            "US" | "USA" => Ok(Country::Us),
            "CA" | "CAN" => Ok(Country::Ca),
            "" => Err(Mistake::new("error-choose-country")),
            _ => Err(Mistake::new("error-country")),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Country::Us => "US",
            Country::Ca => "CA",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Country::Us => "United States",
            Country::Ca => "Canada",
        }
    }

    /// The country's name as a page in `lang` writes it.
    pub fn name_in(self, lang: impl std::borrow::Borrow<Lang>) -> &'static str {
        match (self, *lang.borrow()) {
            (Country::Us, Lang::Fr) => "États-Unis",
            (country, _) => country.name(),
        }
    }

    /// Each region's code and its name as a page in `lang` writes it.
    pub fn regions_in(self, lang: impl std::borrow::Borrow<Lang>) -> Vec<(&'static str, &'static str)> {
        let lang = *lang.borrow();
        self.regions()
            .iter()
            .map(|(code, name)| (*code, name_in(code, name, lang)))
            .collect()
    }

    pub fn regions(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Country::Us => US_STATES,
            Country::Ca => CA_PROVINCES,
        }
    }
}

/// A state, province or territory code that belongs to its country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub country: Country,
    pub code: &'static str,
    pub name: &'static str,
}

impl Region {
    pub fn parse(country: Country, value: &str) -> Result<Region, Mistake> {
        let wanted = value.trim().to_ascii_uppercase();
        if wanted.is_empty() {
            return Err(Mistake::new("error-choose-region"));
        }
        country
            .regions()
            .iter()
            .find(|(code, _)| *code == wanted)
            .map(|(code, name)| Region { country, code, name })
            .ok_or_else(|| {
                let key = match country {
                    Country::Us => "error-not-region-us",
                    Country::Ca => "error-not-region-ca",
                };
                Mistake::new(key).with("code", Arg::Text(format!("{wanted:.10}")))
            })
    }

    /// Finds a code in either country (for filters and browsing by state).
    pub fn find(value: &str) -> Option<Region> {
        Country::ALL
            .iter()
            .find_map(|country| Region::parse(*country, value).ok())
    }

    /// The region's name as a page in `lang` writes it.
    pub fn name_in(&self, lang: Lang) -> &'static str {
        name_in(self.code, self.name, lang)
    }

    /// The name of a stored (country, region) pair as a page in `lang` writes it.
    pub fn name_of_in(country: &str, code: &str, lang: Lang) -> &'static str {
        Country::parse(country)
            .ok()
            .and_then(|c| Region::parse(c, code).ok())
            .map_or("", |r| r.name_in(lang))
    }

    pub fn name_of(country: &str, code: &str) -> &'static str {
        Region::name_of_in(country, code, Lang::En)
    }
}

/// A region's name in `lang`: the French names of the provinces, territories
/// and states that French writes its own way; the others are the same.
fn name_in(code: &str, english: &'static str, lang: Lang) -> &'static str {
    if lang == Lang::En {
        return english;
    }
    FRENCH_NAMES
        .iter()
        .find(|(c, e, _)| *c == code && *e == english)
        .map_or(english, |(_, _, french)| french)
}

/// (code, English name, French name): the code alone is not enough, since
/// CA is California and Canada's code.
#[rustfmt::skip]
const FRENCH_NAMES: &[(&str, &str, &str)] = &[
    ("BC", "British Columbia", "Colombie-Britannique"), ("NB", "New Brunswick", "Nouveau-Brunswick"),
    ("NL", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador"), ("NS", "Nova Scotia", "Nouvelle-Écosse"),
    ("NT", "Northwest Territories", "Territoires du Nord-Ouest"),
    ("PE", "Prince Edward Island", "Île-du-Prince-Édouard"), ("QC", "Quebec", "Québec"),
    ("CA", "California", "Californie"), ("SC", "South Carolina", "Caroline du Sud"),
    ("NC", "North Carolina", "Caroline du Nord"), ("SD", "South Dakota", "Dakota du Sud"),
    ("ND", "North Dakota", "Dakota du Nord"), ("DC", "District of Columbia", "District de Columbia"),
    ("FL", "Florida", "Floride"), ("GA", "Georgia", "Géorgie"), ("HI", "Hawaii", "Hawaï"),
    ("LA", "Louisiana", "Louisiane"), ("NM", "New Mexico", "Nouveau-Mexique"), ("NY", "New York", "New York"),
    ("PA", "Pennsylvania", "Pennsylvanie"), ("VA", "Virginia", "Virginie"),
    ("WV", "West Virginia", "Virginie-Occidentale"), ("AS", "American Samoa", "Samoa américaines"),
    ("MP", "Northern Mariana Islands", "Îles Mariannes du Nord"), ("PR", "Puerto Rico", "Porto Rico"),
    ("VI", "U.S. Virgin Islands", "Îles Vierges des États-Unis"),
];

#[rustfmt::skip]
pub const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
    ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"),
    ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"),
    ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"),
    ("ME", "Maine"), ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
    ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"),
    ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"),
    ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"),
    ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
    ("AS", "American Samoa"), ("GU", "Guam"), ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands"),
];

#[rustfmt::skip]
pub const CA_PROVINCES: &[(&str, &str)] = &[
    ("AB", "Alberta"), ("BC", "British Columbia"), ("MB", "Manitoba"), ("NB", "New Brunswick"),
    ("NL", "Newfoundland and Labrador"), ("NS", "Nova Scotia"), ("NT", "Northwest Territories"),
    ("NU", "Nunavut"), ("ON", "Ontario"), ("PE", "Prince Edward Island"), ("QC", "Quebec"),
    ("SK", "Saskatchewan"), ("YT", "Yukon"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::model::GrantKind;
    use crate::heroes::model::{Cause, Service};

    #[test]
    fn the_english_messages_say_what_the_lists_always_said() {
        for service in Service::ALL {
            assert_eq!(service.label_in(Lang::En), service.label());
            assert_ne!(service.label_in(Lang::Fr), format!("service-{}", service.code()));
        }
        for cause in Cause::ALL {
            assert_eq!(cause.label_in(Lang::En), cause.label());
            assert_ne!(cause.label_in(Lang::Fr), format!("cause-{}", cause.code()));
        }
        for kind in GrantKind::ALL {
            assert_eq!(kind.label_in(Lang::En), kind.label());
            assert_ne!(kind.label_in(Lang::Fr), format!("grant-kind-{}", kind.code()));
        }
    }

    #[test]
    fn provinces_and_states_have_their_french_names() {
        let quebec = Region::parse(Country::Ca, "QC").map(|r| r.name_in(Lang::Fr));
        assert_eq!(quebec, Ok("Québec"));
        assert_eq!(Region::name_of_in("CA", "BC", Lang::Fr), "Colombie-Britannique");
        assert_eq!(Region::name_of_in("US", "CA", Lang::Fr), "Californie");
        assert_eq!(Region::name_of_in("US", "TX", Lang::Fr), "Texas");
        assert_eq!(Region::name_of_in("CA", "QC", Lang::En), "Quebec");
        assert_eq!(Country::Us.name_in(Lang::Fr), "États-Unis");
        // Every French name belongs to a real region of its country.
        for (code, english, _) in FRENCH_NAMES {
            assert!(
                Country::ALL
                    .iter()
                    .any(|c| c.regions().iter().any(|(k, n)| k == code && n == english)),
                "{code} {english}"
            );
        }
    }
}
