//! Differential test: random payloads through an encoded client (in memory, over the real web host, and
//! through the stdio host's protocol) and a direct client of the same server must get equal answers. Any difference is a value the wire does not carry
//! faithfully.

mod support;

use std::collections::{BTreeMap, HashMap};

use ipc_runtime::Server;
use ipc_runtime::web::WebHost;
use ipc_tests::app::{AppIpcClient, AppIpcService, RecordingApp};
use ipc_tests::blob::{BlobIpcClient, BlobIpcService, Blobs};
use ipc_tests::shapes::{Color, Drawing, Point, Shape, ShapesClient, ShapesImpl, ShapesService};
use support::{Rng, stdio_client, web_client};

const MAIN: &str = "app://main";
/// Cases per run; `IPC_AGREEMENT_CASES` asks for more.
fn cases() -> u64 {
    std::env::var("IPC_AGREEMENT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

/// One of `items`, at random.
fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    let len = u64::try_from(items.len()).expect("a short list");
    items[usize::try_from(rng.below(len)).expect("an index")]
}

/// A random number below `n`, as the type asked for.
fn below<T: TryFrom<u64>>(rng: &mut Rng, n: u64) -> T {
    T::try_from(rng.below(n)).unwrap_or_else(|_| unreachable!("below the type's maximum"))
}

/// Any finite `f64`: random bits (so every exponent and long mantissas), plus the awkward ones.
fn float(rng: &mut Rng) -> f64 {
    match rng.below(8) {
        0 => pick(
            rng,
            &[
                0.0,
                -0.0,
                f64::MIN_POSITIVE,
                f64::MAX,
                f64::MIN,
                5e-324,
                0.1,
                1e21,
            ],
        ),
        1 => f64::from(below::<u32>(rng, 2_000_000)) / 1000.0 - 1000.0,
        _ => loop {
            let value = f64::from_bits(rng.below(u64::MAX) ^ (rng.below(2) << 63));
            if value.is_finite() {
                break value;
            }
        },
    }
}

fn text(rng: &mut Rng) -> String {
    const PIECES: [&str; 10] = [
        "a", "Z", " ", "\"", "\\", "\n", "\u{7f}", "é", "\u{2028}", "😀",
    ];
    (0..rng.below(6)).map(|_| pick(rng, &PIECES)).collect()
}

fn point(rng: &mut Rng) -> Point {
    Point {
        x_pos: float(rng),
        y_pos: float(rng),
    }
}

fn shape(rng: &mut Rng) -> Shape {
    match rng.below(3) {
        0 => Shape::Circle {
            center: point(rng),
            radius: float(rng),
        },
        1 => Shape::Polygon((0..rng.below(4)).map(|_| point(rng)).collect()),
        _ => Shape::Empty,
    }
}

fn color(rng: &mut Rng) -> Color {
    if rng.below(2) == 0 {
        Color::Red
    } else {
        Color::Green
    }
}

fn drawing(rng: &mut Rng) -> Drawing {
    // Mostly a few shapes; sometimes none or more than 100, the handler's two errors.
    let shapes = match rng.below(10) {
        0 => 0,
        1 => 101,
        _ => rng.below(5) + 1,
    };
    let labels: HashMap<String, Option<String>> = (0..rng.below(4))
        .map(|_| (text(rng), (rng.below(2) == 0).then(|| text(rng))))
        .collect();
    let palette: BTreeMap<Color, u32> = (0..rng.below(3))
        .map(|_| (color(rng), below(rng, u64::from(u32::MAX))))
        .collect();
    Drawing {
        shapes: (0..shapes).map(|_| shape(rng)).collect(),
        labels,
        palette,
        anchor: (
            below::<i32>(rng, 1 << 31) - below::<i32>(rng, 1 << 31),
            -below::<i32>(rng, 1000),
        ),
        z_index: below(rng, 256),
    }
}

#[tokio::test]
async fn encoded_and_direct_calls_agree_on_random_payloads() {
    let server = Server::new(ShapesService::new(ShapesImpl));
    let wire = ShapesClient::connect_in_memory(&server, MAIN);
    agree_on_shapes(&server, &wire, 6).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_host_and_direct_calls_agree_on_random_payloads() {
    let server = Server::new(ShapesService::new(ShapesImpl));
    let host = WebHost::builder(server.clone())
        .page_origin(MAIN)
        .start()
        .await
        .expect("web host starts");
    let (client, _pump) = web_client(&host).await;
    agree_on_shapes(&server, &ShapesClient::new(client), 8).await;
}

#[tokio::test]
async fn the_stdio_host_and_direct_calls_agree_on_random_payloads() {
    let server = Server::new(ShapesService::new(ShapesImpl));
    let (client, _pump) = stdio_client(server.clone()).await;
    agree_on_shapes(&server, &ShapesClient::new(client), 10).await;
    let app = Server::new(AppIpcService::new(RecordingApp::default()));
    let blobs = Server::new(BlobIpcService::new(Blobs));
    let (app_client, _app_pump) = stdio_client(app.clone()).await;
    let (blob_client, _blob_pump) = stdio_client(blobs.clone()).await;
    let (wire_app, wire_blobs) = (
        AppIpcClient::new(app_client),
        BlobIpcClient::new(blob_client),
    );
    agree_on_text_and_bytes(&app, &wire_app, &blobs, &wire_blobs, 11).await;
}

/// Random drawings and shapes through `wire`, then directly, into `server`.
async fn agree_on_shapes(server: &Server, wire: &ShapesClient, seed: u64) {
    let direct = ShapesClient::connect_direct(server, MAIN);
    let mut rng = Rng::new(seed);
    for case in 0..cases() {
        let drawing = drawing(&mut rng);
        let encoded = wire.summarise(drawing.clone()).await;
        assert_eq!(
            encoded,
            direct.summarise(drawing.clone()).await,
            "case {case}: {drawing:?}"
        );

        let (shape, color) = (shape(&mut rng), color(&mut rng));
        let scale = (rng.below(2) == 0).then(|| float(&mut rng));
        let encoded = wire.place(shape.clone(), color, scale).await;
        let direct_answer = direct.place(shape.clone(), color, scale).await;
        // A scaled radius may overflow to infinity, which JSON cannot carry: then only the wire refuses.
        match &direct_answer {
            Ok(Shape::Circle { radius, .. }) if !radius.is_finite() => {
                assert!(encoded.is_err(), "case {case}: {shape:?} x {scale:?}");
            }
            _ => assert_eq!(
                encoded, direct_answer,
                "case {case}: {shape:?} {color:?} {scale:?}"
            ),
        }
    }
}

#[tokio::test]
async fn encoded_and_direct_calls_agree_on_random_text_and_bytes() {
    let app = Server::new(AppIpcService::new(RecordingApp::default()));
    let blobs = Server::new(BlobIpcService::new(Blobs));
    let wire_app = AppIpcClient::connect_in_memory(&app, MAIN);
    let wire_blobs = BlobIpcClient::connect_in_memory(&blobs, MAIN);
    agree_on_text_and_bytes(&app, &wire_app, &blobs, &wire_blobs, 7).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_host_and_direct_calls_agree_on_random_text_and_bytes() {
    let app = Server::new(AppIpcService::new(RecordingApp::default()));
    let blobs = Server::new(BlobIpcService::new(Blobs));
    let mut hosts = Vec::new();
    for server in [&app, &blobs] {
        let host = WebHost::builder(server.clone())
            .page_origin(MAIN)
            .start()
            .await
            .expect("web host starts");
        hosts.push(host);
    }
    let (app_client, _app_pump) = web_client(&hosts[0]).await;
    let (blob_client, _blob_pump) = web_client(&hosts[1]).await;
    let (wire_app, wire_blobs) = (
        AppIpcClient::new(app_client),
        BlobIpcClient::new(blob_client),
    );
    agree_on_text_and_bytes(&app, &wire_app, &blobs, &wire_blobs, 9).await;
}

/// Random paths, and random bytes as attachments, through the `wire` clients, then directly.
async fn agree_on_text_and_bytes(
    app: &Server,
    wire_app: &AppIpcClient,
    blobs: &Server,
    wire_blobs: &BlobIpcClient,
    seed: u64,
) {
    let direct_app = AppIpcClient::connect_direct(app, MAIN);
    let direct_blobs = BlobIpcClient::connect_direct(blobs, MAIN);
    let mut rng = Rng::new(seed);
    for case in 0..cases() {
        // Paths the handler treats specially ("", "/secret", "/missing...") come up too.
        let path = match rng.below(4) {
            0 => format!("/missing{}", text(&mut rng)),
            1 => pick(&mut rng, &["", "/secret"]).to_owned(),
            _ => text(&mut rng),
        };
        let encoded = wire_app.open_file(path.clone()).await;
        assert_eq!(
            encoded,
            direct_app.open_file(path.clone()).await,
            "case {case}: {path:?}"
        );

        let bytes: Vec<u8> = (0..rng.below(64)).map(|_| below(&mut rng, 256)).collect();
        let encoded = wire_blobs.text(bytes.clone().into()).await;
        assert_eq!(
            encoded,
            direct_blobs.text(bytes.clone().into()).await,
            "case {case}: {bytes:?}"
        );
        let size = below(&mut rng, 9);
        let encoded = wire_blobs.chunk(bytes.clone().into(), size).await;
        assert_eq!(
            encoded,
            direct_blobs.chunk(bytes.clone().into(), size).await,
            "case {case}"
        );
    }
}
