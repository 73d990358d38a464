//! Reading a JSON number as the nearest `f64`, exactly (round half to even), in little code.
//!
//! The widget reads few numbers, and nearly all of them short ("12.5", "0.1"): those are one exact
//! floating-point operation. The rest (more than 15 digits, or a large exponent) are decided by
//! exact comparison with big integers: a binary search over the doubles for the last one not
//! above the number, then the halfway point between it and the next. Slow (tens of microseconds)
//! but small: serde_json's reader (with its `float_roundtrip` tables) or `str::parse::<f64>` (with
//! its table of powers) would add over 14 KB gzip to the widget (issue 14). `engine/tests/
//! decimal.rs` holds it to Rust's own reader, bit for bit.

use std::cmp::Ordering;

/// Significant digits kept; the rest only say whether the number is above what they give (767
/// digits decide any double, and no real number needs more).
const MAX_DIGITS: usize = 800;

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The number JSON text `text` writes (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, nothing
/// before or after), as the nearest `f64`; `None` for anything else and for a number beyond what a
/// double holds (as serde_json refuses it). A number too small for a double reads as zero.
pub fn read_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let negative = bytes.first() == Some(&b'-');
    if negative {
        at += 1;
    }
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        &bytes[start..*at]
    };
    let whole = digits(&mut at);
    if whole.is_empty() || (whole.len() > 1 && whole[0] == b'0') {
        return None;
    }
    let mut fraction: &[u8] = &[];
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        fraction = digits(&mut at);
        if fraction.is_empty() {
            return None;
        }
    }
    let mut exponent: i64 = 0;
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        let minus = bytes.get(at) == Some(&b'-');
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        let written = digits(&mut at);
        if written.is_empty() {
            return None;
        }
        for d in written {
            // Far beyond any double either way: the size checks below decide.
            exponent = (exponent * 10 + i64::from(d - b'0')).min(1_000_000);
        }
        if minus {
            exponent = -exponent;
        }
    }
    if at != bytes.len() {
        return None;
    }
    // The number is `significant` (a whole number) times 10^`exponent`, plus a little when
    // `sticky` (digits beyond MAX_DIGITS that are not all zero).
    let mut significant: Vec<u8> = Vec::new();
    let mut sticky = false;
    exponent -= fraction.len() as i64;
    for &d in whole.iter().chain(fraction) {
        if significant.len() == MAX_DIGITS {
            exponent += 1;
            sticky |= d != b'0';
        } else if !significant.is_empty() || d != b'0' {
            significant.push(d - b'0');
        }
    }
    while significant.last() == Some(&0) {
        significant.pop();
        exponent += 1;
    }
    let magnitude = if significant.is_empty() {
        0.0
    } else {
        nearest(&significant, exponent, sticky)
    };
    let value = if negative { -magnitude } else { magnitude };
    value.is_finite().then_some(value)
}

/// The nearest double to `digits` × 10^`exponent` (+ a little when `sticky`); the first digit is
/// not zero.
fn nearest(digits: &[u8], exponent: i64, sticky: bool) -> f64 {
    let scale = digits.len() as i64 + exponent;
    if scale > 310 {
        return f64::INFINITY; // at least 10^310
    }
    if scale < -342 {
        return 0.0; // below 10^-343, under half the smallest double
    }
    if !sticky && digits.len() <= 15 && (-22..=22).contains(&exponent) {
        // Both exact (under 2^53, a power of ten a double holds): one correctly rounded operation.
        let whole = digits.iter().fold(0u64, |n, &d| n * 10 + u64::from(d)) as f64;
        let power = POW10[exponent.unsigned_abs() as usize];
        return if exponent < 0 {
            whole / power
        } else {
            whole * power
        };
    }
    let number = Exact::new(digits, exponent, sticky);
    // The last double not above the number: the doubles' bit patterns are in the order of their
    // values. `high` (infinity's pattern) is never compared.
    let (mut low, mut high) = (0u64, f64::INFINITY.to_bits());
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        let (f, k) = parts(middle);
        if number.compare(f, k) == Ordering::Less {
            high = middle;
        } else {
            low = middle;
        }
    }
    // Then the halfway point between it and the next double up: (2f + 1) × 2^(k - 1).
    let (f, k) = parts(low);
    let bits = match number.compare(2 * f + 1, k - 1) {
        Ordering::Less => low,
        Ordering::Greater => low + 1,
        Ordering::Equal => low + (low & 1),
    };
    f64::from_bits(bits)
}

/// A non-negative double's bit pattern as `f` × 2^`k`.
fn parts(bits: u64) -> (u64, i64) {
    let field = (bits >> 52) as i64;
    let mantissa = bits & ((1 << 52) - 1);
    if field == 0 {
        (mantissa, -1074)
    } else {
        (mantissa | (1 << 52), field - 1075)
    }
}

/// `digits` × 10^`exponent` held exactly for comparisons with `f` × 2^`k`: as 5^`exponent` ×
/// `digits` (compared with `f`) when the exponent is not negative, else `digits` (compared with
/// `f` × 5^-`exponent`); the powers of two are shifts.
struct Exact {
    /// The digits, times 5^exponent when that is not negative.
    left: Big,
    /// 5^-exponent when the exponent is negative, else 1.
    right: Big,
    exponent: i64,
    sticky: bool,
}

impl Exact {
    fn new(digits: &[u8], exponent: i64, sticky: bool) -> Exact {
        let mut left = Big(vec![0]);
        for chunk in digits.chunks(9) {
            let (scale, add) = chunk
                .iter()
                .fold((1u64, 0u64), |(s, a), &d| (s * 10, a * 10 + u64::from(d)));
            left.mul_add(scale, add);
        }
        let mut power = Big(vec![1]);
        let mut left_over = exponent.unsigned_abs();
        while left_over > 0 {
            let step = left_over.min(27); // 5^27 < 2^63
            power.mul_add(5u64.pow(step as u32), 0);
            left_over -= step;
        }
        let (left, right) = if exponent >= 0 {
            left.mul_big(&power);
            (left, Big(vec![1]))
        } else {
            (left, power)
        };
        Exact {
            left,
            right,
            exponent,
            sticky,
        }
    }

    /// The number against `f` × 2^`k`.
    fn compare(&self, f: u64, k: i64) -> Ordering {
        // number = left × 2^e / right (e = exponent, right = 1 when e ≥ 0) against f × 2^k:
        // left × 2^(e - k) against f × right.
        let mut ours = self.left.clone();
        let mut theirs = self.right.clone();
        theirs.mul_add(f, 0);
        let shift = self.exponent - k;
        if shift >= 0 {
            ours.shift_left(shift as u64);
        } else {
            theirs.shift_left(shift.unsigned_abs());
        }
        match ours.compare(&theirs) {
            Ordering::Equal if self.sticky => Ordering::Greater,
            other => other,
        }
    }
}

/// A whole number of any size: 32-bit limbs, least significant first.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    /// self × `m` + `a`.
    fn mul_add(&mut self, m: u64, a: u64) {
        let mut carry = u128::from(a);
        for limb in &mut self.0 {
            let t = u128::from(*limb) * u128::from(m) + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        while carry > 0 {
            self.0.push(carry as u32);
            carry >>= 32;
        }
    }

    /// self × `other`.
    fn mul_big(&mut self, other: &Big) {
        let mut product = vec![0u32; self.0.len() + other.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                let t = u64::from(a) * u64::from(b) + u64::from(product[i + j]) + carry;
                product[i + j] = t as u32;
                carry = t >> 32;
            }
            product[i + other.0.len()] = carry as u32;
        }
        self.0 = product;
    }

    fn shift_left(&mut self, bits: u64) {
        let (limbs, bits) = ((bits / 32) as usize, (bits % 32) as u32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn compare(&self, other: &Big) -> Ordering {
        let significant = |b: &Big| b.0.len() - b.0.iter().rev().take_while(|&&l| l == 0).count();
        let (a, b) = (significant(self), significant(other));
        a.cmp(&b)
            .then_with(|| self.0[..a].iter().rev().cmp(other.0[..b].iter().rev()))
    }
}
