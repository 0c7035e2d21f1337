//! The main side's "menu": commands typed into the terminal running the web app. It plays the part of the
//! tutorial's application menu, which drives the counter from the main process.

use ipc_runtime::CallerId;

use crate::record::Audience;

/// One terminal command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `+` / `-`, optionally followed by a renderer id: change the counter everywhere or in one window.
    Counter { delta: i32, to: Audience },
    /// `finish`: completes every running long job.
    FinishJobs,
    /// `quit`: shuts the host down.
    Quit,
    /// `help`, or an empty line.
    Help,
}

pub const HELP: &str =
    "commands: + | - (counter in every window), + ID | - ID (one window), finish (long jobs), quit";

/// Parses one line; the error names what was not understood.
pub fn parse(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return Ok(Command::Help);
    };
    let command = match first {
        "+" | "-" => {
            let delta = if first == "+" { 1 } else { -1 };
            let to = match words.next() {
                None => Audience::All,
                Some(id) => Audience::One(CallerId::from_raw(
                    id.parse()
                        .map_err(|_| format!("not a renderer id: {id:?}"))?,
                )),
            };
            Command::Counter { delta, to }
        }
        "finish" => Command::FinishJobs,
        "quit" | "exit" => Command::Quit,
        "help" | "?" => Command::Help,
        other => return Err(format!("unknown command {other:?}; {HELP}")),
    };
    match words.next() {
        None => Ok(command),
        Some(extra) => Err(format!("unexpected {extra:?}; {HELP}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(
            parse("+"),
            Ok(Command::Counter {
                delta: 1,
                to: Audience::All
            })
        );
        assert_eq!(
            parse(" - 7 "),
            Ok(Command::Counter {
                delta: -1,
                to: Audience::One(CallerId::from_raw(7))
            })
        );
        assert_eq!(parse("finish"), Ok(Command::FinishJobs));
        assert_eq!(parse("quit"), Ok(Command::Quit));
        assert_eq!(parse(""), Ok(Command::Help));
        assert!(parse("+ x").is_err());
        assert!(parse("+ 1 2").is_err());
        assert!(parse("rm -rf").is_err());
    }
}
