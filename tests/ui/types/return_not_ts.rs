use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Window {
    pub width: u32,
    pub height: u32,
}

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn window(&self, caller: Caller) -> Window;
}

fn main() {}
