//! The home page's map of the United States and Canada as a tile grid: one equal
//! square per state, district, province and territory, placed where it lies
//! (roughly), labelled by its postal code and shaded by how many of its heroes
//! have been honored. Equal squares keep Rhode Island and Prince Edward Island
//! as easy to reach as Texas, and read at 320 px; no map data is needed. The
//! U.S. territories (Puerto Rico, Guam and the rest) have no tile and appear in
//! the list below the map.

use crate::heroes::regions::{Country, Region};
use crate::web::lang::Lang;

/// Side of one tile, and the gap between tiles, in SVG user units.
pub const TILE: i64 = 40;
const GAP: i64 = 4;
pub const COLUMNS: i64 = 12;
pub const ROWS: i64 = 10;

/// (country, code, row, column): Canada across the top, the United States below.
#[rustfmt::skip]
const GRID: &[(Country, &str, i64, i64)] = &[
    (Country::Ca, "YT", 0, 1), (Country::Ca, "NT", 0, 2), (Country::Ca, "NU", 0, 3), (Country::Ca, "NL", 0, 11),
    (Country::Us, "AK", 1, 0), (Country::Ca, "BC", 1, 1), (Country::Ca, "AB", 1, 2), (Country::Ca, "SK", 1, 3),
    (Country::Ca, "MB", 1, 4), (Country::Ca, "ON", 1, 6), (Country::Ca, "QC", 1, 8), (Country::Ca, "NB", 1, 10),
    (Country::Ca, "PE", 1, 11),
    (Country::Us, "ME", 2, 10), (Country::Ca, "NS", 2, 11),
    (Country::Us, "VT", 3, 9), (Country::Us, "NH", 3, 10),
    (Country::Us, "WA", 4, 0), (Country::Us, "ID", 4, 1), (Country::Us, "MT", 4, 2), (Country::Us, "ND", 4, 3),
    (Country::Us, "MN", 4, 4), (Country::Us, "IL", 4, 5), (Country::Us, "WI", 4, 6), (Country::Us, "MI", 4, 7),
    (Country::Us, "NY", 4, 8), (Country::Us, "RI", 4, 9), (Country::Us, "MA", 4, 10),
    (Country::Us, "OR", 5, 0), (Country::Us, "NV", 5, 1), (Country::Us, "WY", 5, 2), (Country::Us, "SD", 5, 3),
    (Country::Us, "IA", 5, 4), (Country::Us, "IN", 5, 5), (Country::Us, "OH", 5, 6), (Country::Us, "PA", 5, 7),
    (Country::Us, "NJ", 5, 8), (Country::Us, "CT", 5, 9),
    (Country::Us, "CA", 6, 0), (Country::Us, "UT", 6, 1), (Country::Us, "CO", 6, 2), (Country::Us, "NE", 6, 3),
    (Country::Us, "MO", 6, 4), (Country::Us, "KY", 6, 5), (Country::Us, "WV", 6, 6), (Country::Us, "VA", 6, 7),
    (Country::Us, "MD", 6, 8), (Country::Us, "DE", 6, 9),
    (Country::Us, "AZ", 7, 1), (Country::Us, "NM", 7, 2), (Country::Us, "KS", 7, 3), (Country::Us, "AR", 7, 4),
    (Country::Us, "TN", 7, 5), (Country::Us, "NC", 7, 6), (Country::Us, "SC", 7, 7), (Country::Us, "DC", 7, 8),
    (Country::Us, "OK", 8, 3), (Country::Us, "LA", 8, 4), (Country::Us, "MS", 8, 5), (Country::Us, "AL", 8, 6),
    (Country::Us, "GA", 8, 7),
    (Country::Us, "HI", 9, 0), (Country::Us, "TX", 9, 3), (Country::Us, "FL", 9, 8),
];

/// How many shades beyond "none yet".
const SHADES: i64 = 4;

/// Heroes honored in one state or province, as counted by the query.
pub struct RegionCount {
    pub country: String,
    pub region: String,
    pub heroes: i64,
}

/// One place on the map or in the list.
pub struct Place {
    pub country: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub heroes: i64,
    /// 0 (none yet) to [`SHADES`].
    pub shade: i64,
    /// Top-left corner of its tile; `None` for the territories without one.
    pub tile: Option<(i64, i64)>,
    pub lang: Lang,
}

impl Place {
    pub fn href(&self) -> String {
        self.lang
            .link(&format!("/honor-roll?country={}&state={}", self.country, self.code))
    }

    /// "Texas: 412 heroes honored".
    pub fn label(&self) -> String {
        format!("{}: {}", self.name, self.honored())
    }

    /// "Texas, TX: 412 heroes honored": a tile's name holds the code it shows,
    /// so people who speak to their browser can say what they see.
    pub fn tile_label(&self) -> String {
        format!("{}, {}: {}", self.name, self.code, self.honored())
    }

    fn honored(&self) -> String {
        let count = self.lang.number(self.heroes);
        let key = if self.heroes == 1 {
            "map-one-honored"
        } else {
            "map-honored"
        };
        self.lang.t1(key, "count", count)
    }

    pub fn text_x(&self) -> i64 {
        self.tile.map_or(0, |(x, _)| x + TILE / 2)
    }

    pub fn text_y(&self) -> i64 {
        self.tile.map_or(0, |(_, y)| y + TILE / 2 + 5)
    }
}

/// One entry of the legend.
pub struct Shade {
    pub shade: i64,
    pub label: String,
}

pub struct RegionMap {
    /// Every state, district, province and territory, with a tile or not.
    pub places: Vec<Place>,
    pub legend: Vec<Shade>,
}

impl RegionMap {
    pub fn width(&self) -> i64 {
        COLUMNS * TILE + (COLUMNS - 1) * GAP
    }

    pub fn height(&self) -> i64 {
        ROWS * TILE + (ROWS - 1) * GAP
    }

    pub fn tiles(&self) -> impl Iterator<Item = &Place> {
        self.places.iter().filter(|p| p.tile.is_some())
    }

    pub fn honored(&self) -> impl Iterator<Item = &Place> {
        self.places.iter().filter(|p| p.heroes > 0)
    }

    pub fn build(counts: &[RegionCount], lang: Lang) -> RegionMap {
        let most = counts.iter().map(|c| c.heroes).max().unwrap_or(0);
        let mut places = Vec::new();
        for country in Country::ALL {
            for (code, name) in country.regions_in(lang) {
                let heroes = counts
                    .iter()
                    .find(|c| c.country == country.code() && c.region == code)
                    .map_or(0, |c| c.heroes);
                let tile = GRID
                    .iter()
                    .find(|(c, g, _, _)| *c == country && *g == code)
                    .map(|(_, _, row, column)| (column * (TILE + GAP), row * (TILE + GAP)));
                places.push(Place {
                    country: country.code(),
                    code,
                    name,
                    heroes,
                    shade: shade_of(heroes, most),
                    tile,
                    lang,
                });
            }
        }
        places.sort_by(|a, b| a.name.cmp(b.name));
        RegionMap {
            places,
            legend: legend(most, lang),
        }
    }
}

/// Shades split 1..=most into four equal ranges.
fn shade_of(heroes: i64, most: i64) -> i64 {
    if heroes <= 0 || most <= 0 {
        0
    } else {
        (heroes.saturating_mul(SHADES) + most - 1) / most
    }
}

fn legend(most: i64, lang: Lang) -> Vec<Shade> {
    let mut legend = vec![Shade {
        shade: 0,
        label: lang.t("map-none-yet"),
    }];
    for shade in 1..=SHADES {
        let low = most * (shade - 1) / SHADES + 1;
        let high = most * shade / SHADES;
        if low > high {
            continue;
        }
        let label = if low == high {
            lang.number(low)
        } else {
            lang.t2("map-range", "low", lang.number(low), "high", lang.number(high))
        };
        legend.push(Shade { shade, label });
    }
    legend
}

/// Every tile names a real region of its country, once.
pub fn grid_is_complete() -> bool {
    let tiles_ok = GRID
        .iter()
        .all(|(country, code, _, _)| Region::parse(*country, code).is_ok());
    let mut spots: Vec<(i64, i64)> = GRID.iter().map(|(_, _, r, c)| (*r, *c)).collect();
    spots.sort_unstable();
    spots.dedup();
    tiles_ok && spots.len() == GRID.len() && GRID.len() == 51 + 13
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_district_and_province_has_its_own_tile() {
        assert!(grid_is_complete());
        let map = RegionMap::build(&[], Lang::En);
        assert_eq!(map.tiles().count(), 64);
        assert!(map.places.iter().any(|p| p.code == "PR" && p.tile.is_none()));
    }

    #[test]
    fn shades_split_the_counts_into_four_ranges() {
        assert_eq!(shade_of(0, 100), 0);
        assert_eq!(shade_of(1, 100), 1);
        assert_eq!(shade_of(25, 100), 1);
        assert_eq!(shade_of(26, 100), 2);
        assert_eq!(shade_of(100, 100), 4);
        let labels: Vec<String> = legend(100, Lang::En).into_iter().map(|s| s.label).collect();
        assert_eq!(labels, ["None yet", "1 to 25", "26 to 50", "51 to 75", "76 to 100"]);
        let labels: Vec<String> = legend(2, Lang::En).into_iter().map(|s| s.label).collect();
        assert_eq!(labels, ["None yet", "1", "2"]);
    }
}
