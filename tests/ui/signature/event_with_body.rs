use ipc_runtime::channels;

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[event]
    fn counter(value: i32) {
        let _ = value;
    }
}

fn main() {}
