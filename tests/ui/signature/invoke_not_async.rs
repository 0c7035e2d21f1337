use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    fn title(&self, caller: Caller) -> String;
}

fn main() {}
