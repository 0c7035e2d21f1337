use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[send]
    async fn set_size(&self, caller: Caller, bytes: u64);
}

fn main() {}
