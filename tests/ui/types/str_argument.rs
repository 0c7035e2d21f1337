use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[send]
    async fn set_title(&self, caller: Caller, title: &str);
}

fn main() {}
