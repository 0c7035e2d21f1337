use ipc_runtime::{Caller, channels};

#[derive(Debug, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct AppError {
    pub reason: String,
}

pub type AppResult<T> = Result<T, AppError>;

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn load(&self, caller: Caller, name: String) -> AppResult<String>;
}

fn main() {}
