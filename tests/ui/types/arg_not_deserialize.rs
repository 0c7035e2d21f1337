use ipc_runtime::{Caller, channels};
use serde::Serialize;
use ts_rs::TS;

#[derive(Serialize, TS)]
pub struct Title(pub String);

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[send]
    async fn set_title(&self, caller: Caller, title: Title);
}

fn main() {}
