//! Every public runtime and generated type a user shares across tasks is `Send + Sync` (or at least
//! `Send` for futures), checked at compile time.

#![allow(dead_code)]

use ipc_runtime::{
    Call, Caller, Client, Connection, Emitter, EventHub, IpcError, Server, Subscription,
};
use ipc_tests::app::{
    AppIpcClient, AppIpcEvents, AppIpcSchema, AppIpcService, OpenError, RecordingApp,
};

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>() {}

#[test]
fn runtime_and_generated_types_are_thread_safe() {
    send_sync::<Server>();
    send_sync::<Client>();
    send_sync::<Caller>();
    send_sync::<EventHub>();
    send_sync::<Emitter>();
    send_sync::<Connection>();
    send_sync::<IpcError<OpenError>>();
    send_sync::<AppIpcService<RecordingApp>>();
    send_sync::<AppIpcClient>();
    send_sync::<AppIpcEvents>();
    send_sync::<AppIpcSchema>();
    send::<Call<Option<String>, OpenError>>();
    send::<Subscription<i32>>();
    send::<<Call<Option<String>, OpenError> as std::future::IntoFuture>::IntoFuture>();
}
