use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn read(&self, caller: Caller, name: String) -> Result<Vec<u8>, String>;
}

fn main() {}
