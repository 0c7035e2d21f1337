use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn version(&self, _caller: Caller) -> u32 {
        1
    }
}

fn main() {}
