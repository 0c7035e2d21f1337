//! Arguments named like the locals of the generated Rust code (`caller`, `payload`, `args`, `channel`, ...)
//! still reach the handler in their places, over the wire and directly. Their TypeScript is checked by
//! `tests/ts/check.sh` and `tests/electron/check.sh` (tsc --strict over `tests/bindings/Collide.*`).

use ipc_runtime::Server;
use ipc_tests::collide::{CollideClient, CollideService, Joiner};

const MAIN: &str = "app://main";

/// `v0`, `v1`, ... : one distinct value per argument.
fn values(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("v{i}")).collect()
}

async fn call_every_group(client: &CollideClient) {
    let v = values(14);
    let reply = client
        .value(
            v[0].clone(),
            v[1].clone(),
            v[2].clone(),
            v[3].clone(),
            v[4].clone(),
            v[5].clone(),
            v[6].clone(),
            v[7].clone(),
            v[8].clone(),
            v[9].clone(),
            v[10].clone(),
            11,
            v[12].clone(),
            v[13].clone(),
        )
        .await
        .unwrap();
    assert_eq!(
        reply,
        format!("{},11,{}", v[..11].join(","), v[12..].join(","))
    );
    let v = values(14);
    let reply = client
        .electron_invoke(
            v[0].clone(),
            v[1].clone(),
            v[2].clone(),
            v[3].clone(),
            v[4].clone(),
            v[5].clone(),
            v[6].clone(),
            v[7].clone(),
            v[8].clone(),
            v[9].clone(),
            v[10].clone(),
            v[11].clone(),
            v[12].clone(),
            v[13].clone(),
        )
        .await
        .unwrap();
    assert_eq!(reply, v.join(","));
    let v = values(13);
    let reply = client
        .args(
            v[0].clone(),
            v[1].clone(),
            v[2].clone(),
            v[3].clone(),
            v[4].clone(),
            v[5].clone(),
            v[6].clone(),
            v[7].clone(),
            v[8].clone(),
            v[9].clone(),
            v[10].clone(),
            v[11].clone(),
            v[12].clone(),
        )
        .await
        .unwrap();
    assert_eq!(reply, v.join(","));
    client
        .options("a".into(), "b".into(), "c".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn arguments_named_like_generated_locals_arrive_in_place_over_the_wire() {
    let server = Server::new(CollideService::new(Joiner));
    call_every_group(&CollideClient::connect_in_memory(&server, MAIN)).await;
}

#[tokio::test]
async fn arguments_named_like_generated_locals_arrive_in_place_directly() {
    let server = Server::new(CollideService::new(Joiner));
    call_every_group(&CollideClient::connect_direct(&server, MAIN)).await;
}
