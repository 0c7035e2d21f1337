//! Several unrelated mistakes: every one is reported in the same build, each at its own token.

use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main/"])]
pub trait Api {
    #[send]
    fn set_title(&self, caller: Caller, title: String);

    #[invoke(timeout_ms = 0)]
    async fn title(&self, caller: Caller) -> u64;

    #[event]
    fn counter(&self, value: i32);

    #[send]
    async fn resize(&self, width: u32);
}

fn main() {}
