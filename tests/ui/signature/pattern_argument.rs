use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[send]
    async fn move_to(&self, caller: Caller, (x, y): (i32, i32));
}

fn main() {}
