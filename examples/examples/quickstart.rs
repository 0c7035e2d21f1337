//! The README example: one trait, served in memory, called through the full runtime path (and, last, directly
//! from Rust in the same process).
//! Run: `cargo run -p ipc-examples --example quickstart`

use ipc_runtime::{Caller, IpcError, Server, channels};

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Greeter {
    /// Renderer -> main, two-way.
    #[invoke(timeout_ms = 1000)]
    async fn greet(&self, caller: Caller, name: String) -> Result<String, String>;
    /// Main -> renderer.
    #[event]
    fn greeted(count: u32);
}

struct Impl;

impl Greeter for Impl {
    async fn greet(&self, caller: Caller, name: String) -> Result<String, String> {
        if name.is_empty() {
            return Err("name is empty".to_owned());
        }
        GreeterEvents::new(caller.emitter()).greeted(1).ok();
        Ok(format!(
            "Hello, {name}! (you are {} from {})",
            caller.id(),
            caller.origin()
        ))
    }
}

#[tokio::main]
async fn main() {
    let server = Server::new(GreeterService::new(Impl));
    let renderer = GreeterClient::connect_in_memory(&server, "app://main");
    let mut greeted = renderer.on_greeted();
    println!(
        "greet(\"Ada\") -> {:?}",
        renderer.greet("Ada".to_owned()).await
    );
    println!("event greeted -> {:?}", greeted.next().await);
    println!(
        "greet(\"\")    -> {:?}",
        renderer.greet(String::new()).await
    );
    let stranger = GreeterClient::connect_in_memory(&server, "https://evil.example");
    let denied: Result<String, IpcError<String>> = stranger.greet("Mallory".to_owned()).await;
    println!("from a foreign origin -> {denied:?}");
    // Rust code in the main process calls the same handlers, checked the same way, with nothing encoded.
    let in_process = GreeterClient::connect_direct(&server, "app://main");
    println!(
        "direct greet(\"Grace\") -> {:?}",
        in_process.greet("Grace".to_owned()).await
    );
}
