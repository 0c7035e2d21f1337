//! The renderer -> main envelope decoders: the binary message layout, and the JSON envelope under a small
//! and the default size limit.
#![no_main]

use ipc_runtime::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The same bytes as a binary message (envelope with attachments), then as a text envelope.
    ipc_runtime::fuzzing::decode_binary(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let small = Limits {
        max_message_bytes: 256,
        ..Limits::default()
    };
    ipc_runtime::fuzzing::parse_envelope(text, &small);
    ipc_runtime::fuzzing::parse_envelope(text, &Limits::default());
});
