use ipc_runtime::channels;

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[send]
    async fn set_title(&self, title: String);
}

fn main() {}
