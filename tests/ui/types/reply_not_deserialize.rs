use ipc_runtime::{Caller, channels};
use serde::Serialize;
use ts_rs::TS;

#[derive(Serialize, TS)]
pub struct Window {
    pub width: u32,
}

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn window(&self, caller: Caller) -> Window;
}

fn main() {}
