use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[stream]
    async fn tail(&self, caller: Caller, path: String) -> u32;
}

fn main() {}
