use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke(name = "api:title", name = "api:title-v2")]
    async fn title(&self, caller: Caller) -> String;
}

fn main() {}
