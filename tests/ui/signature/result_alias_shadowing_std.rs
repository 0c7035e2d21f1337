//! The common `type Result<T> = std::result::Result<T, E>`: one type argument, so not `Result<T, E>`.

use ipc_runtime::{Caller, channels};

#[derive(Debug, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct AppError {
    pub reason: String,
}

pub type Result<T> = std::result::Result<T, AppError>;

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn load(&self, caller: Caller, name: String) -> Result<String>;
}

fn main() {}
