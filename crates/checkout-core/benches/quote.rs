//! A full quote (eligibility, split and allocation) for carts of 10 to 10,000 lines, and
//! parsing plus validating the same carts from JSON (what the backend does per session).
//!
//! `cargo bench -p checkout-core --bench quote`

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::Duration;

    use checkout_core::{quote, Cart, Choice, Money, Policy};
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use serde_json::{json, Value};

    pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

    /// A realistic mix: prices from 1.00 to 1000.99, quantities 1–5, a balance price on every
    /// 4th line, virtual goods on every 7th (excluded by the default categories), third-party
    /// sellers on every 5th (half of them accepted), `balance_eligible: false` on every 13th,
    /// and shipping.
    pub fn cart_json(lines: usize) -> String {
        let lines: Vec<Value> = (0..lines)
            .map(|i| {
                let unit = 100 + (i * 7_919) % 100_000;
                let mut line = json!({
                    "id": format!("L{i}"),
                    "sku": format!("SKU-{:06}", i * 31 % 1_000_000),
                    "name": format!("Item number {i}"),
                    "quantity": 1 + i % 5,
                    "unit_price": format!("{}.{:02}", unit / 100, unit % 100),
                    "merchant": {"id": "self", "kind": "self_operated"},
                    "category": if i % 7 == 3 { "virtual" } else { "physical" },
                });
                if i % 4 == 1 {
                    let bp = unit * 9 / 10;
                    line["balance_price"] = json!(format!("{}.{:02}", bp / 100, bp % 100));
                }
                if i % 5 == 2 {
                    let id = if i % 10 == 2 { "m-partner" } else { "m-other" };
                    line["merchant"] = json!({"id": id, "kind": "third_party"});
                }
                if i % 13 == 6 {
                    line["balance_eligible"] = json!(false);
                }
                line
            })
            .collect();
        json!({"currency": "CNY", "lines": lines, "shipping": {"fee": "12.00"}}).to_string()
    }

    pub fn policy() -> Policy {
        Policy {
            accepting_third_party: vec!["m-partner".to_owned()],
            ..Policy::default()
        }
    }

    fn quotes(c: &mut Criterion) {
        let policy = policy();
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let mut group = c.benchmark_group("quote");
        group.measurement_time(Duration::from_secs(4));
        for n in SIZES {
            let Ok(cart) = Cart::from_json(&cart_json(n)) else {
                panic!("the benchmark cart of {n} lines is invalid");
            };
            group.throughput(Throughput::Elements(u64::try_from(n).unwrap_or(u64::MAX)));
            // A balance of about half the order: standard prices, every eligible line gets a
            // share with a remainder, the heaviest path.
            let Ok(total) = cart.standard_total() else {
                panic!("no total");
            };
            let half = Money::from_minor(total.minor() / 2, cart.currency);
            let Ok(half) = half else { panic!("no half") };
            group.bench_with_input(BenchmarkId::new("partial", n), &cart, |b, cart| {
                b.iter(|| quote(black_box(cart), &policy, black_box(half), &choice));
            });
            // A balance covering everything: balance prices apply.
            let Ok(rich) = Money::from_minor(total.minor(), cart.currency) else {
                panic!("no total");
            };
            group.bench_with_input(BenchmarkId::new("applied", n), &cart, |b, cart| {
                b.iter(|| quote(black_box(cart), &policy, black_box(rich), &choice));
            });
        }
        group.finish();
    }

    fn parse_and_validate(c: &mut Criterion) {
        let mut group = c.benchmark_group("cart_from_json");
        group.measurement_time(Duration::from_secs(4));
        for n in SIZES {
            let json = cart_json(n);
            group.throughput(Throughput::Elements(u64::try_from(n).unwrap_or(u64::MAX)));
            group.bench_with_input(BenchmarkId::from_parameter(n), &json, |b, json| {
                b.iter(|| Cart::from_json(black_box(json)));
            });
        }
        group.finish();
    }

    criterion_group!(benches, quotes, parse_and_validate);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

// Benchmarks are native only; this keeps `cargo clippy --all-targets` building on wasm32.
#[cfg(target_arch = "wasm32")]
fn main() {}
