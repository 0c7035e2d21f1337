use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[send]
    async fn set_title<T>(&self, caller: Caller, title: String);
}

fn main() {}
