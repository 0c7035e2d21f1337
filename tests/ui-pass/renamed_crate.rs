//! The runtime under another name: `crate = "..."` makes every generated path use it.

extern crate ipc_runtime as my_ipc;

use my_ipc::Caller;

#[my_ipc::channels(crate = "my_ipc", allow_origins = ["app://main"])]
pub trait Renamed {
    #[invoke]
    async fn echo(&self, caller: Caller, text: String) -> String;

    #[event]
    fn ping();
}

struct Echo;

impl Renamed for Echo {
    async fn echo(&self, _caller: Caller, text: String) -> String {
        text
    }
}

fn main() {
    let _server = my_ipc::Server::new(RenamedService::new(Echo));
    let _ = RenamedSchema::DESCRIPTOR;
}
