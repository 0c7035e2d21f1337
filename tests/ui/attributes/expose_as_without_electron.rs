use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"], hosts = ["web"], expose_as = "electronAPI")]
pub trait ElectronApi {
    #[invoke]
    async fn title(&self, caller: Caller) -> String;
}

fn main() {}
