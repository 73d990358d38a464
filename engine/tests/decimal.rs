//! `kernel::read_decimal` against Rust's own reader (`str::parse::<f64>`, correctly rounded), bit
//! for bit: the hard cases (halfway points, the edges of the subnormals and of the largest
//! double, long digit strings), every double written shortest, long and in exponent form, and
//! random digit strings with random exponents. The JSON grammar is held to serde_json's.

use incident_engine::kernel::{read_decimal, Random, SplitMix64};

/// What the widget's reader must give for `text`, JSON number text: Rust's value, unless it is
/// infinite (serde_json refuses those: "number out of range").
fn expected(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn check(text: &str) {
    let ours = read_decimal(text);
    let theirs = expected(text);
    assert_eq!(
        ours.map(f64::to_bits),
        theirs.map(f64::to_bits),
        "{text}: read {ours:?}, Rust reads {theirs:?}"
    );
}

#[test]
fn hard_cases_read_as_rust_reads_them() {
    let long_half = format!("9007199254740993{}", "0".repeat(400));
    let just_above = format!("9007199254740993{}1", "0".repeat(900));
    let tiny_long = format!("0.{}1", "0".repeat(1_000));
    for text in [
        "0",
        "-0",
        "0.0",
        "-0.0",
        "1",
        "0.1",
        "0.2",
        "0.3",
        "0.30000000000000004",
        "123.456",
        "3.141592653589793238462643383279",
        "123456789012345678901234567890",
        "9007199254740992",
        "9007199254740993", // halfway: to even, ...992
        "9007199254740995", // halfway: to even, ...996
        "9007199254740993.0000000000000000001",
        long_half.as_str(),
        just_above.as_str(),
        "1e22",
        "1e23",
        "8.98846567431158e307",
        "1.7976931348623157e308",
        "1.7976931348623158e308", // rounds down to the largest double
        "1.7976931348623159e308", // rounds up: beyond
        "1e308",
        "1e309",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "4.9e-324",
        "2.4703282292062327e-324", // under half the smallest: zero
        "2.4703282292062328e-324", // over half: the smallest
        "2.47032822920623272088e-324",
        "1e-400",
        "1e-324",
        "5e-324",
        "1e-1000000000",
        "1e1000000000",
        "7.038531e-26",
        "1448997445238699",
        "2.2250738585072011e-308",
        tiny_long.as_str(),
        "0.000000000000000000000000000000000000000000001",
        "100000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "1.00000000000000011102230246251565404236316680908203125", // 1 + half an ulp: to even
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
    ] {
        check(text);
        if !text.starts_with('-') {
            check(&format!("-{text}"));
        }
    }
}

#[test]
fn every_double_written_any_way_reads_back_as_rust_reads_it() {
    let mut random = SplitMix64::new(2026);
    for round in 0..40_000u32 {
        let bits = random.next_u64();
        let value = f64::from_bits(match round % 4 {
            0 => bits,
            1 => bits & 0x800F_FFFF_FFFF_FFFF, // subnormals
            2 => bits | 0x7FE0_0000_0000_0000, // near the largest
            _ => bits & 0x3FFF_FFFF_FFFF_FFFF, // ordinary sizes
        });
        if !value.is_finite() {
            continue;
        }
        for text in [
            format!("{value:e}"),
            format!("{value:.16e}"),
            format!("{value:.25e}"),
            format!("{value:.3e}"),
        ] {
            check(&text);
        }
        assert_eq!(read_decimal(&format!("{value:e}")), Some(value));
    }
}

#[test]
fn random_digits_and_exponents_read_as_rust_reads_them() {
    let mut random = SplitMix64::new(14);
    let below = |random: &mut SplitMix64, n: u64| random.next_u64() % n;
    for _ in 0..40_000 {
        let longest = if below(&mut random, 4) == 0 { 60 } else { 20 };
        let length = 1 + below(&mut random, longest);
        let digits: String = (0..length)
            .map(|i| {
                let d = below(&mut random, 10) as u8;
                char::from(b'0' + if i == 0 { d.max(1) } else { d })
            })
            .collect();
        let point = below(&mut random, length + 1) as usize;
        let mut text = if point == 0 || point == digits.len() {
            digits.clone()
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        };
        if below(&mut random, 2) == 0 {
            let exponent = below(&mut random, 700) as i64 - 350;
            text.push_str(&format!("e{exponent}"));
        }
        check(&text);
    }
}

#[test]
fn only_json_number_text_is_read() {
    for text in [
        "", "-", "+1", "01", "-01", "1.", ".5", "1e", "1e+", "1e-", "1.e5", "0x10", "1_000", " 1",
        "1 ", "NaN", "inf", "Infinity", "--1", "1e5.5", "١",
    ] {
        assert_eq!(read_decimal(text), None, "{text:?}");
        assert!(
            serde_json::from_str::<f64>(text).is_err() || text.trim() != text,
            "{text:?}"
        );
    }
    for text in [
        "0", "-0", "10", "1.5", "1e5", "1E+5", "1e-5", "0.0e0", "-0.5E-0",
    ] {
        assert_eq!(
            read_decimal(text).map(f64::to_bits),
            serde_json::from_str::<f64>(text).ok().map(f64::to_bits),
            "{text:?}"
        );
    }
}
