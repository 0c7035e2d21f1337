//! A trait whose argument and method names are the names the TypeScript generators and the static modules
//! use themselves (parameters, locals, imports, options): its bindings in `tests/bindings` must still pass
//! `tsc --strict` (`tests/ts/check.sh`, and `tests/electron/check.sh` for the Electron files), and its Rust
//! side must still route every argument to its place. Arguments come in groups of at most 16 (the longest
//! tuple serde encodes), one group per channel of each kind.

use ipc_runtime::{Caller, channels};

/// Every channel kind, with arguments and methods named like generated locals.
#[channels(allow_origins = ["app://main"])]
pub trait Collide {
    #[send]
    async fn transport(
        &self,
        from: Caller,
        value: String,
        target: String,
        args: String,
        listener: String,
        options: String,
        transport: String,
        signal: String,
        sender: String,
        event: String,
        core: String,
        caller: String,
        id: u32,
        error: String,
        result: String,
    );

    #[send]
    async fn exposed(
        &self,
        from: Caller,
        exposed: String,
        o: String,
        electron_invoke: String,
        emit_from_main: String,
        channels: String,
        invoke: String,
        subscribe: String,
        send: String,
        ipc_renderer: String,
        context_bridge: String,
        ipc_main: String,
        next_id: String,
        outcome: String,
        payload: String,
    );

    #[send]
    async fn emit_from_main(
        &self,
        from: Caller,
        wrapper: String,
        deliver: String,
        channel: String,
        cancel: String,
        window: String,
        process: String,
        message: String,
        timeout_ms: String,
        on_cancel: String,
        r#async: String,
        r#as: String,
        r#type: String,
        r#await: String,
    );

    #[invoke]
    async fn value(
        &self,
        from: Caller,
        value: String,
        target: String,
        args: String,
        listener: String,
        options: String,
        transport: String,
        signal: String,
        sender: String,
        event: String,
        core: String,
        caller: String,
        id: u32,
        error: String,
        result: String,
    ) -> Result<String, String>;

    #[invoke]
    async fn electron_invoke(
        &self,
        from: Caller,
        exposed: String,
        o: String,
        electron_invoke: String,
        emit_from_main: String,
        channels: String,
        invoke: String,
        subscribe: String,
        send: String,
        ipc_renderer: String,
        context_bridge: String,
        ipc_main: String,
        next_id: String,
        outcome: String,
        payload: String,
    ) -> Result<String, String>;

    #[invoke]
    async fn args(
        &self,
        from: Caller,
        wrapper: String,
        deliver: String,
        channel: String,
        cancel: String,
        window: String,
        process: String,
        message: String,
        timeout_ms: String,
        on_cancel: String,
        r#async: String,
        r#as: String,
        r#type: String,
        r#await: String,
    ) -> Result<String, String>;

    /// Without a reply.
    #[invoke]
    async fn options(&self, from: Caller, value: String, options: String, listener: String);

    #[event]
    fn target(
        value: String,
        target: String,
        args: String,
        listener: String,
        options: String,
        transport: String,
        signal: String,
        sender: String,
        event: String,
        core: String,
        caller: String,
        id: u32,
        error: String,
        result: String,
    );

    #[event]
    fn channels(
        exposed: String,
        o: String,
        electron_invoke: String,
        emit_from_main: String,
        channels: String,
        invoke: String,
        subscribe: String,
        send: String,
        ipc_renderer: String,
        context_bridge: String,
        ipc_main: String,
        next_id: String,
        outcome: String,
        payload: String,
    );

    #[event]
    fn payload(
        wrapper: String,
        deliver: String,
        channel: String,
        cancel: String,
        window: String,
        process: String,
        message: String,
        timeout_ms: String,
        on_cancel: String,
        r#async: String,
        r#as: String,
        r#type: String,
        r#await: String,
    );

    /// Without arguments.
    #[event]
    fn listener();
}

/// Answers each invoke with its arguments joined in declaration order, so a test can see each one arrive
/// where it belongs.
#[derive(Debug, Default)]
pub struct Joiner;

impl Collide for Joiner {
    async fn transport(
        &self,
        _from: Caller,
        _value: String,
        _target: String,
        _args: String,
        _listener: String,
        _options: String,
        _transport: String,
        _signal: String,
        _sender: String,
        _event: String,
        _core: String,
        _caller: String,
        _id: u32,
        _error: String,
        _result: String,
    ) {
    }

    async fn exposed(
        &self,
        _from: Caller,
        _exposed: String,
        _o: String,
        _electron_invoke: String,
        _emit_from_main: String,
        _channels: String,
        _invoke: String,
        _subscribe: String,
        _send: String,
        _ipc_renderer: String,
        _context_bridge: String,
        _ipc_main: String,
        _next_id: String,
        _outcome: String,
        _payload: String,
    ) {
    }

    async fn emit_from_main(
        &self,
        _from: Caller,
        _wrapper: String,
        _deliver: String,
        _channel: String,
        _cancel: String,
        _window: String,
        _process: String,
        _message: String,
        _timeout_ms: String,
        _on_cancel: String,
        _async: String,
        _as: String,
        _type: String,
        _await: String,
    ) {
    }

    async fn value(
        &self,
        _from: Caller,
        value: String,
        target: String,
        args: String,
        listener: String,
        options: String,
        transport: String,
        signal: String,
        sender: String,
        event: String,
        core: String,
        caller: String,
        id: u32,
        error: String,
        result: String,
    ) -> Result<String, String> {
        Ok([
            value,
            target,
            args,
            listener,
            options,
            transport,
            signal,
            sender,
            event,
            core,
            caller,
            id.to_string(),
            error,
            result,
        ]
        .join(","))
    }

    async fn electron_invoke(
        &self,
        _from: Caller,
        exposed: String,
        o: String,
        electron_invoke: String,
        emit_from_main: String,
        channels: String,
        invoke: String,
        subscribe: String,
        send: String,
        ipc_renderer: String,
        context_bridge: String,
        ipc_main: String,
        next_id: String,
        outcome: String,
        payload: String,
    ) -> Result<String, String> {
        Ok([
            exposed,
            o,
            electron_invoke,
            emit_from_main,
            channels,
            invoke,
            subscribe,
            send,
            ipc_renderer,
            context_bridge,
            ipc_main,
            next_id,
            outcome,
            payload,
        ]
        .join(","))
    }

    async fn args(
        &self,
        _from: Caller,
        wrapper: String,
        deliver: String,
        channel: String,
        cancel: String,
        window: String,
        process: String,
        message: String,
        timeout_ms: String,
        on_cancel: String,
        r#async: String,
        r#as: String,
        r#type: String,
        r#await: String,
    ) -> Result<String, String> {
        Ok([
            wrapper, deliver, channel, cancel, window, process, message, timeout_ms, on_cancel,
            r#async, r#as, r#type, r#await,
        ]
        .join(","))
    }

    async fn options(&self, _from: Caller, _value: String, _options: String, _listener: String) {}
}
