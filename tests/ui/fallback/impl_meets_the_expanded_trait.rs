//! One mistake in the trait: only that error is reported. The `impl` (which, like any correct one, does not
//! implement the `#[event]`) gets no follow-on "missing item" error.

use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn ask(&self, caller: Caller, question: String) -> u64;

    #[send]
    async fn tell(&self, caller: Caller, text: String);

    #[event]
    fn changed(value: u32);
}

struct Handler;

impl Api for Handler {
    async fn ask(&self, _caller: Caller, _question: String) -> u64 {
        0
    }

    async fn tell(&self, _caller: Caller, _text: String) {}
}

fn main() {
    let _ = Handler;
}
