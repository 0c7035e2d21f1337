//! The stdio host's inbound frame decoder (length prefix, oversize skipping) and the parent-frame JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the frame limit and how the pipe splits the stream.
    let [limit, chunk, rest @ ..] = data else {
        return;
    };
    ipc_runtime::fuzzing::decode_frames(rest, usize::from(*limit) * 4, usize::from(*chunk));
});
