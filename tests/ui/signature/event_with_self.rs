use ipc_runtime::channels;

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[event]
    fn counter(&self, value: i32);
}

fn main() {}
