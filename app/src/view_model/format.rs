//! Times, durations, decimals and speeds written as the learner's language writes them.

use clusterlab_core::Time;

use crate::i18n::Lang;

/// Simulated time as `12.345 s` (`12,345 s` in French: a decimal comma), with a no-break
/// space because a number never leaves its unit.
pub fn format_time(t: Time, lang: Lang) -> String {
    let number = format!("{}.{:03}", t.ms() / 1000, t.ms() % 1000);
    format!("{}\u{a0}s", decimal(&number, lang))
}

/// A decimal number written the way `lang` writes it (French uses a comma).
pub fn decimal(number: &str, lang: Lang) -> String {
    match lang {
        Lang::En => number.to_string(),
        Lang::Fr => number.replace('.', ","),
    }
}

/// Playback speed as `0.10×`, `1.0×`, `18×`.
pub fn format_speed(speed: f64) -> String {
    if speed < 1.0 {
        format!("{speed:.2}×")
    } else if speed < 10.0 {
        format!("{speed:.1}×")
    } else {
        format!("{speed:.0}×")
    }
}

/// A duration in ms as `850 ms` or `12.4 s` (`12,4 s` in French; a no-break space, as in
/// [`format_time`]).
pub fn format_ms(ms: u64, lang: Lang) -> String {
    if ms < 1000 {
        format!("{ms}\u{a0}ms")
    } else {
        let number = format!("{:.1}", ms as f64 / 1000.0);
        format!("{}\u{a0}s", decimal(&number, lang))
    }
}

#[cfg(test)]
mod tests {
    //! Times, durations and speeds as the learner reads them, in both languages.

    use super::*;

    /// Times and durations keep their unit on the same line (a no-break space); French writes
    /// the decimal point as a comma.
    #[test]
    fn formats() {
        use crate::i18n::Lang::{En, Fr};
        assert_eq!(format_time(Time(12_345), En), "12.345\u{a0}s");
        assert_eq!(format_time(Time(5), En), "0.005\u{a0}s");
        assert_eq!(format_time(Time(12_345), Fr), "12,345\u{a0}s");
        assert_eq!(format_ms(12_400, Fr), "12,4\u{a0}s");
        assert_eq!(format_ms(850, Fr), "850\u{a0}ms");
        assert_eq!(format_speed(0.1), "0.10×");
        assert_eq!(format_speed(1.0), "1.0×");
        assert_eq!(format_speed(56.2), "56×");
        assert_eq!(format_ms(850, En), "850\u{a0}ms");
        assert_eq!(format_ms(12_400, En), "12.4\u{a0}s");
    }
}
