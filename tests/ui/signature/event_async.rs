use ipc_runtime::channels;

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[event]
    async fn counter(value: i32);
}

fn main() {}
