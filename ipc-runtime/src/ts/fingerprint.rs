//! The fingerprint of a service: what a renderer build and a main side compare when they connect, so that a
//! stale build is refused (`version_mismatch`) instead of half working.
//!
//! It covers what decides whether the two sides understand each other's messages: the trait's name, each
//! channel's wire name and kind in declaration order, the TypeScript types of its arguments, reply and error,
//! and the TypeScript text of every payload type they reach. The generated `<Trait>.ts` carries it as a
//! constant; the Rust side computes the same value at run time (ts-rs only runs then) and caches it.

use serde::Serialize;

use super::describe::ApiDescription;

/// Bumped when the canonical form below changes, so fingerprints of different forms never meet as equal.
const FORM: &str = "typed-ipc/fingerprint/1";

/// One channel in the canonical form.
#[derive(Serialize)]
struct CanonicalChannel<'a> {
    channel: &'a str,
    kind: &'a str,
    args: Vec<&'a str>,
    output: &'a str,
    error: &'a str,
    /// A stream's item type; absent for the other kinds, so their fingerprints are unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a str>,
}

/// The canonical form: JSON (unambiguous, no separator games), declarations in their name order.
#[derive(Serialize)]
struct Canonical<'a> {
    form: &'a str,
    trait_name: &'a str,
    channels: Vec<CanonicalChannel<'a>>,
    declarations: Vec<(&'a str, &'a str)>,
}

/// The service's fingerprint: FNV-1a 64 of the canonical form, as 16 lower-case hex digits. Not a security
/// measure (the token and origin checks are): it tells builds apart.
pub fn fingerprint(api: &ApiDescription) -> String {
    let canonical = Canonical {
        form: FORM,
        trait_name: &api.trait_name,
        channels: api
            .channels
            .iter()
            .map(|c| CanonicalChannel {
                channel: c.channel,
                kind: c.kind.as_str(),
                args: c.args.iter().map(|(_, ty)| ty.as_str()).collect(),
                output: &c.output,
                error: &c.error,
                item: c.item.as_deref(),
            })
            .collect(),
        declarations: api
            .declarations
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
            .collect(),
    };
    let text = serde_json::to_vec(&canonical).expect("strings and lists always serialise");
    format!("{:016x}", fnv1a64(&text))
}

/// FNV-1a, 64 bits (offset basis and prime from the FNV reference).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::ChannelKind;
    use crate::ts::{ApiBuilder, ChannelTs};

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    fn channel(kind: ChannelKind, name: &'static str, arg: &str) -> ChannelTs {
        ChannelTs {
            kind,
            channel: name,
            method: "m",
            docs: &[],
            args: vec![("x", arg.to_owned())],
            output: "null".to_owned(),
            error: "never".to_owned(),
            allow_origins: &["app://main"],
            allow_subframes: false,
            timeout_ms: None,
            item: None,
        }
    }

    fn api(channels: Vec<ChannelTs>, declarations: &[(&str, &str)]) -> ApiDescription {
        let mut api = ApiBuilder::new("T").finish();
        api.channels = channels;
        api.declarations = declarations
            .iter()
            .map(|(n, d)| ((*n).to_owned(), (*d).to_owned()))
            .collect();
        api
    }

    #[test]
    fn changes_with_every_part_of_the_wire_contract_and_nothing_else() {
        let base = || {
            api(
                vec![
                    channel(ChannelKind::Send, "t:a", "string"),
                    channel(ChannelKind::Invoke, "t:b", "Item"),
                ],
                &[("Item", "export type Item = { n: number };")],
            )
        };
        let fp = fingerprint(&base());
        assert_eq!(fp.len(), 16);
        assert!(
            fp.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(fingerprint(&base()), fp, "deterministic");

        let mut variants = Vec::new();
        let mut renamed = base();
        renamed.channels[0].channel = "t:a2";
        variants.push(renamed);
        let mut rekinded = base();
        rekinded.channels[0].kind = ChannelKind::Invoke;
        variants.push(rekinded);
        let mut reordered = base();
        reordered.channels.reverse();
        variants.push(reordered);
        let mut retyped = base();
        retyped.channels[0].args[0].1 = "number".to_owned();
        variants.push(retyped);
        let mut reply = base();
        reply.channels[1].output = "string".to_owned();
        variants.push(reply);
        let mut error = base();
        error.channels[1].error = "string".to_owned();
        variants.push(error);
        let mut payload = base();
        payload.declarations.insert(
            "Item".to_owned(),
            "export type Item = { n: string };".to_owned(),
        );
        variants.push(payload);
        let mut trait_name = base();
        trait_name.trait_name = "U".to_owned();
        variants.push(trait_name);
        for variant in &variants {
            assert_ne!(fingerprint(variant), fp, "{variant:?}");
        }

        // Argument names, docs, origin policy and deadlines are not part of what crosses the wire.
        let mut same = base();
        same.channels[0].args[0].0 = "renamed";
        same.channels[0].docs = &["docs"];
        same.channels[0].allow_origins = &["app://other"];
        same.channels[0].allow_subframes = true;
        same.channels[0].timeout_ms = Some(5);
        assert_eq!(fingerprint(&same), fp);
    }
}
