use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[send(name = "app:title")]
    async fn set_title(&self, caller: Caller, title: String);

    #[invoke(name = "app:title")]
    async fn title(&self, caller: Caller) -> String;
}

fn main() {}
