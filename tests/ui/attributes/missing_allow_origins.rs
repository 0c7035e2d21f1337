use ipc_runtime::{Caller, channels};

#[channels]
pub trait Api {
    #[send]
    async fn set_title(&self, caller: Caller, title: String);
}

fn main() {}
