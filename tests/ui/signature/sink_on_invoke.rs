use ipc_runtime::{Caller, Sink, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn tail(&self, caller: Caller, out: Sink<String>) -> u32;
}

fn main() {}
