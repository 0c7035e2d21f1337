use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke(window = 4)]
    async fn tail(&self, caller: Caller) -> u32;
}

fn main() {}
