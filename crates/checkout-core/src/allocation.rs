//! Spreading an amount over lines in proportion to their amounts, in minor units, by the
//! largest-remainder method (ties go to the earlier line).

/// Splits `total` minor units over `weights` (minor units each) in proportion to the
/// weights. The parts sum exactly to `total`, and each part is at most its weight as long
/// as `total <= sum(weights)`.
///
/// Returns `None` when `total` is positive and all weights are zero, or when `total`
/// exceeds the sum of the weights (there is nothing to carry it).
#[must_use]
pub fn largest_remainder(total: i64, weights: &[i64]) -> Option<Vec<i64>> {
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    let total = i128::from(total);
    if total < 0 || weights.iter().any(|&w| w < 0) || total > sum {
        return None;
    }
    if total == 0 {
        return Some(vec![0; weights.len()]);
    }
    // Bounded amounts (10^16 minor units at most) keep total × weight within i128.
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, &w) in weights.iter().enumerate() {
        let exact = total * i128::from(w);
        let floor = exact / sum;
        given += floor;
        parts.push(floor);
        let rem = exact % sum;
        if rem > 0 {
            remainders.push((rem, i));
        }
    }
    let mut left = total - given;
    if left > 0 {
        // Largest remainder first; on equal remainders the earlier line first.
        remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in &remainders {
            if left == 0 {
                break;
            }
            parts[i] += 1;
            left -= 1;
        }
    }
    parts.into_iter().map(|p| i64::try_from(p).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::largest_remainder;

    #[test]
    fn it_gives_each_line_its_exact_share_when_it_divides() {
        assert_eq!(largest_remainder(50, &[100, 100]), Some(vec![25, 25]));
    }

    #[test]
    fn it_gives_leftover_units_to_the_largest_remainders() {
        // 100 × [1,1,1] / 3 = 33.33 each: the one leftover goes to the first line (a tie).
        assert_eq!(largest_remainder(100, &[1, 1, 1]), Some(vec![34, 33, 33]));
        // 10 × [3, 7] / 10 exact; 5 × [3, 7] / 10 = 1.5, 3.5: tie → earlier line.
        assert_eq!(largest_remainder(5, &[3, 7]), Some(vec![2, 3]));
        // 7 × [1, 2] / 3 = 2.33, 4.67: the larger remainder (second) gets the unit.
        assert_eq!(largest_remainder(7, &[1, 2]), Some(vec![2, 5]));
    }

    #[test]
    fn it_rejects_more_than_the_weights_can_carry() {
        assert_eq!(largest_remainder(1, &[0, 0]), None);
        assert_eq!(largest_remainder(11, &[5, 5]), None);
    }

    #[test]
    fn it_gives_zero_weights_nothing() {
        assert_eq!(largest_remainder(10, &[0, 10, 0]), Some(vec![0, 10, 0]));
    }
}
