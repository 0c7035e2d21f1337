use ipc_runtime::{Caller, Sink, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[stream]
    async fn tail(&self, caller: Caller, lines: Sink<String>, out: Sink<String>) -> u32;
}

fn main() {}
