use ipc_runtime::{Caller, channels};

#[channels(allow_origins = ["app://main"], expose_as = "electron-api")]
pub trait ElectronApi {
    #[invoke]
    async fn title(&self, caller: Caller) -> String;
}

fn main() {}
