use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    const VERSION: u32;

    #[send]
    async fn set_title(&self, caller: Caller, title: String);
}

fn main() {}
