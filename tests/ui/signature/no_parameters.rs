use ipc_runtime::channels;

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn version() -> u32;
}

fn main() {}
