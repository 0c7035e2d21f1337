use ipc_runtime::{Caller, channels};
use serde::Deserialize;
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub enum OpenError {
    NotFound,
}

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn open_file(&self, caller: Caller, path: String) -> Result<String, OpenError>;
}

fn main() {}
