//! Column charts drawn as hand-written SVG on the server (no script, no chart
//! crate): the geometry of each column and of the value axis, in SVG user
//! units. Templates draw the shapes and always give the same numbers as a table.

/// The drawing area of a column chart.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Height of the tallest possible column.
    pub height: i64,
    /// Distance from one column's left edge to the next.
    pub step: i64,
    pub column_width: i64,
    /// Room left of the first column (for axis labels).
    pub left: i64,
}

impl Frame {
    /// Width of the whole drawing for `columns` columns.
    pub fn width(&self, columns: usize) -> i64 {
        self.left * 2 + self.step * i64::try_from(columns).unwrap_or(0)
    }

    /// Where a value stands on the axis (0 at the bottom, `top` at the top).
    pub fn y_of(&self, value: i64, top: i64) -> i64 {
        self.height - scaled(value, top, self.height)
    }

    /// One column per value, left to right, scaled so that `top` fills the height.
    pub fn columns(&self, values: &[i64], top: i64) -> Vec<Column> {
        values
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let height = scaled(*value, top, self.height);
                let x = self.left + i64::try_from(i).unwrap_or(0) * self.step;
                Column {
                    x,
                    y: self.height - height,
                    width: self.column_width,
                    height,
                    label_x: x + self.column_width / 2,
                }
            })
            .collect()
    }
}

fn scaled(value: i64, top: i64, height: i64) -> i64 {
    value.clamp(0, top.max(1)).saturating_mul(height) / top.max(1)
}

/// A column's rectangle and the middle of its base (for its label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub label_x: i64,
}

/// A labelled line across the chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tick {
    pub y: i64,
    /// The value the line marks, written by the page in its language.
    pub value: i64,
}

/// A round top for the axis and its step (1, 2 or 5 times a power of ten), so
/// that the largest value fits under at most five ticks: 0 to 4 gives 0..4,
/// 1,234 gives 0..1,500 by 500, 100,000 gives 0..100,000 by 50,000.
pub fn axis(largest: i64) -> (i64, i64) {
    let wanted = (largest.max(1) + 3) / 4;
    let mut power = 1i64;
    loop {
        for multiple in [1, 2, 5] {
            let step = multiple * power;
            if step >= wanted {
                let top = step.saturating_mul((largest.max(1) + step - 1) / step);
                return (top, step);
            }
        }
        power = power.saturating_mul(10);
    }
}

/// The axis lines from 0 to `top` by `step`.
pub fn ticks(frame: &Frame, top: i64, step: i64) -> Vec<Tick> {
    (0..=top / step.max(1))
        .map(|i| {
            let value = i * step.max(1);
            Tick {
                y: frame.y_of(value, top),
                value,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_is_round_and_holds_the_largest_value() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(4), (4, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(31), (40, 10));
        assert_eq!(axis(1_234), (1_500, 500));
        assert_eq!(axis(100_000), (100_000, 50_000));
        for largest in [1, 3, 9, 11, 99, 101, 999, 54_321, 100_000] {
            let (top, step) = axis(largest);
            assert!(top >= largest && top / step <= 5, "{largest}: {top} by {step}");
        }
    }

    #[test]
    fn columns_fill_the_frame_at_the_top_value() {
        let frame = Frame {
            height: 100,
            step: 10,
            column_width: 8,
            left: 4,
        };
        let columns = frame.columns(&[0, 50, 100], 100);
        assert_eq!(columns[0].height, 0);
        assert_eq!(columns[1].y, 50);
        assert_eq!(
            columns[2],
            Column {
                x: 24,
                y: 0,
                width: 8,
                height: 100,
                label_x: 28
            }
        );
    }
}
