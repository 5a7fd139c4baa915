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
    // Bounded amounts (10^16 minor units at most) keep total × weight within i128. When
    // every product fits an i64 (the usual cart), the cheaper i64 division does the work.
    let max_weight = weights.iter().copied().max().unwrap_or(0);
    let narrow = i64::try_from(total)
        .ok()
        .zip(i64::try_from(sum).ok())
        .filter(|&(t, _)| t.checked_mul(max_weight).is_some());
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, &w) in weights.iter().enumerate() {
        let (floor, rem) = match narrow {
            Some((t, s)) => {
                let exact = t * w;
                (exact / s, i128::from(exact % s))
            }
            None => {
                let exact = total * i128::from(w);
                // floor <= w, so it fits an i64.
                (i64::try_from(exact / sum).ok()?, exact % sum)
            }
        };
        given += i128::from(floor);
        parts.push(floor);
        if rem > 0 {
            remainders.push((rem, i));
        }
    }
    // Fewer leftover units than lines with a remainder: the fractional parts sum to `left`.
    let left = usize::try_from(total - given).ok()?;
    if left > 0 {
        // Largest remainder first; on equal remainders the earlier line first. Only which
        // lines are among the first `left` matters; a sort (O(n log n), about a millisecond
        // for 10,000 lines) is 0.5 KB smaller in the widget's wasm than a selection.
        let order = |a: &(i128, usize), b: &(i128, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        remainders.sort_unstable_by(order);
        for &(_, i) in remainders.iter().take(left) {
            parts[i] += 1;
        }
    }
    Some(parts)
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
        // 100 × [100,100,100] / 300 = 33.33 each: the one leftover goes to the first line
        // (a tie). (This case once read `&[1, 1, 1]`, a total the weights cannot carry.)
        assert_eq!(
            largest_remainder(100, &[100, 100, 100]),
            Some(vec![34, 33, 33])
        );
        assert_eq!(largest_remainder(100, &[1, 1, 1]), None);
        // 10 × [3, 7] / 10 exact; 5 × [3, 7] / 10 = 1.5, 3.5: tie → earlier line.
        assert_eq!(largest_remainder(5, &[3, 7]), Some(vec![2, 3]));
        // 7 × [10, 20] / 30 = 2.33, 4.67: the larger remainder (second) gets the unit.
        assert_eq!(largest_remainder(7, &[10, 20]), Some(vec![2, 5]));
    }

    #[test]
    fn it_rejects_more_than_the_weights_can_carry() {
        assert_eq!(largest_remainder(1, &[0, 0]), None);
        assert_eq!(largest_remainder(11, &[5, 5]), None);
    }

    #[test]
    fn it_takes_the_wide_path_when_products_pass_i64() {
        // 10^16 × 10^16 needs i128; the answer is the same as for small numbers.
        let big = 10_000_000_000_000_000;
        assert_eq!(
            largest_remainder(big / 2 + 1, &[big / 2, big / 2]),
            Some(vec![big / 4 + 1, big / 4])
        );
    }

    #[test]
    fn it_gives_zero_weights_nothing() {
        assert_eq!(largest_remainder(10, &[0, 10, 0]), Some(vec![0, 10, 0]));
    }
}
