//! The four Electron IPC tutorial patterns in any browser, served by the web host.
//!
//! `cargo run -p ipc-examples --example web_app [-- --port N] [--files DIR] [--static DIR]`
//!
//! Prints the URL to open (it carries the access token: treat it like a password), then reads commands
//! from the terminal (`+`, `-`, `finish`, `quit`) and prints what the main side did as JSON lines.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use ipc_examples::console::{self, Command, HELP};
use ipc_examples::web::{self, Options};
use tokio::io::AsyncBufReadExt as _;

fn parse_args() -> Result<Options, String> {
    let mut options = Options::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                let port = value()?.parse().map_err(|e| format!("--port: {e}"))?;
                options.bind = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            }
            "--files" => options.files_dir = value()?.into(),
            "--static" => options.static_dir = value()?.into(),
            "-h" | "--help" => {
                return Err("usage: web_app [--port N] [--files DIR] [--static DIR]".to_owned());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let _logs = ipc_examples::logging::init();

    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let files = options.files_dir.clone();
    let web_app = match web::start(options).await {
        Ok(web_app) => web_app,
        Err(error) => {
            eprintln!("web_app: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("web_app: pattern 2 reads files from {}", files.display());
    println!("web_app: {HELP}");
    // The one place the full token is shown: the user needs it to open the page.
    println!("web_app: open {}", web_app.host.url());

    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut stdin_open = true;
    loop {
        tokio::select! {
            line = lines.next_line(), if stdin_open => match line {
                Ok(Some(line)) => match console::parse(&line) {
                    Ok(Command::Counter { delta, to }) => {
                        if let Err(error) = web_app.app.bump_counter(delta, to) {
                            println!("web_app: {error}");
                        }
                    }
                    Ok(Command::FinishJobs) => web_app.app.finish_jobs(),
                    Ok(Command::Quit) => break,
                    Ok(Command::Help) => println!("web_app: {HELP}"),
                    Err(message) => println!("web_app: {message}"),
                },
                // No terminal (or it closed): keep serving until Ctrl-C.
                Ok(None) | Err(_) => stdin_open = false,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    match web_app.host.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("web_app: {error}");
            ExitCode::FAILURE
        }
    }
}
