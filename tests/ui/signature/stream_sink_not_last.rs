use ipc_runtime::{Caller, Sink, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[stream]
    async fn tail(&self, caller: Caller, out: Sink<String>, path: String) -> u32;
}

fn main() {}
