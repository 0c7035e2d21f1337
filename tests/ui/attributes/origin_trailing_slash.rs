use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main", "http://127.0.0.1:5173/"])]
pub trait Api {
    #[send]
    async fn set_title(&self, caller: Caller, title: String);
}

fn main() {}
