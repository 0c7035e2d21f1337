//! Macro cost: how expansion time and output size grow with the number of channels. Not a check (it asserts
//! nothing about time); run it on demand, in release mode, as `scripts/macro-cost.sh` does:
//! `cargo test -p ipc-macros --release --lib -- --ignored --nocapture expansion_cost`

use std::time::Instant;

use proc_macro2::TokenStream;

/// A trait with `n` channels, a third of each kind, all with the same payload types.
pub(crate) fn trait_source(n: usize) -> String {
    let methods: String = (0..n)
        .map(|i| match i % 3 {
            0 => format!(
                "    #[invoke]\n    async fn call_{i}(&self, caller: Caller, item: Item, count: u32) -> Result<Item, Failure>;\n"
            ),
            1 => format!("    #[send]\n    async fn note_{i}(&self, caller: Caller, text: String);\n"),
            _ => format!("    #[event]\n    fn changed_{i}(item: Item);\n"),
        })
        .collect();
    format!("pub trait Wide {{\n{methods}}}\n")
}

#[test]
#[ignore = "a measurement, not a check: run it with --ignored --nocapture"]
fn expansion_cost() {
    let args: TokenStream = r#"allow_origins = ["app://main"]"#.parse().unwrap();
    for n in [10_u32, 100, 200] {
        let input: TokenStream = trait_source(n as usize).parse().unwrap();
        let output = crate::expand(args.clone(), input.clone());
        let rounds = 20;
        let start = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(crate::expand(args.clone(), input.clone()));
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
        let bytes = output.to_string().len();
        println!(
            "channels={n} expansion_us={micros:.0} us_per_channel={:.1} output_bytes={bytes} bytes_per_channel={}",
            micros / f64::from(n),
            bytes / n as usize
        );
    }
}
