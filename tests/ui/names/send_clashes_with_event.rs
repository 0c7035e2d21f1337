use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[event]
    fn counter(value: i32);

    #[send]
    async fn on_counter(&self, caller: Caller, value: i32);
}

fn main() {}
