use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["file://"])]
pub trait Api {
    #[send]
    async fn set_title(&self, caller: Caller, title: String);
}

fn main() {}
