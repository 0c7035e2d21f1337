use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke(timeout_ms = 0)]
    async fn title(&self, caller: Caller) -> String;
}

fn main() {}
