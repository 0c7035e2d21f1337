use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Progress {
    pub done: u32,
}

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn start(&self, caller: Caller);
    #[event]
    fn progressed(progress: Progress);
}

fn main() {}
