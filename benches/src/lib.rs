//! Benchmarks only: see `benches/invoke.rs`, `benches/throughput.rs` and `BENCHMARKS.md` at the workspace root.
