use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn connect_direct(&self, caller: Caller) -> u32;
}

fn main() {}
