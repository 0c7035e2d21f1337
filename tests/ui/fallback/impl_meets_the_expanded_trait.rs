//! One mistake in the trait: only that error is reported. The `impl` (which, like any correct one, does not
//! implement the `#[event]`) gets no follow-on "missing item" error, and code using the generated types and
//! the channels without errors compiles as it will once the mistake is fixed.

use ipc_runtime::{Caller, Server, channels};

#[channels(allow_origins = ["app://main"])]
pub trait Api {
    #[invoke]
    async fn ask(&self, caller: Caller, question: String) -> u64;

    #[send]
    async fn tell(&self, caller: Caller, text: String);

    #[event]
    fn changed(value: u32);
}

struct Handler;

impl Api for Handler {
    async fn ask(&self, _caller: Caller, _question: String) -> u64 {
        0
    }

    async fn tell(&self, caller: Caller, _text: String) {
        let _ = ApiEvents::new(caller.emitter()).changed(1);
    }
}

async fn use_it() {
    let server = Server::new(ApiService::new(Handler));
    let client = ApiClient::connect_in_memory(&server, "app://main");
    let _ = client.tell("hi".to_owned()).await;
    let _ = ApiSchema::DESCRIPTOR;
}

fn main() {
    let _ = use_it;
}
