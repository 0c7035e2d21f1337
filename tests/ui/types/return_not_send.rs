use std::cell::Cell;
use std::rc::Rc;

use ipc_runtime::{Caller, channels};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Serializable and exportable, but not `Send`: a direct call cannot hand it over.
#[derive(Serialize, Deserialize, TS)]
pub struct Counter {
    #[serde(skip)]
    #[ts(skip)]
    shared: Rc<Cell<u32>>,
    pub value: u32,
}

#[channels(allow_origins = ["app://main"], export = false)]
pub trait Api {
    #[invoke]
    async fn count(&self, caller: Caller) -> Counter;
}

fn main() {}
