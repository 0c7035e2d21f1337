//! The macro's output names everything by absolute path: it compiles with no prelude and with the runtime
//! crate renamed.

extern crate ipc_runtime as renamed_ipc;

mod no_prelude {
    #![no_implicit_prelude]

    #[::renamed_ipc::channels(crate = "::renamed_ipc", allow_origins = ["app://main"], export = false)]
    pub trait Bare {
        #[send]
        async fn send(&self, caller: ::renamed_ipc::Caller, text: ::std::string::String);
        #[invoke]
        async fn invoke(
            &self,
            caller: ::renamed_ipc::Caller,
            a: ::renamed_ipc::Bytes,
            b: ::std::option::Option<bool>,
        ) -> ::std::result::Result<u32, ::std::string::String>;
        #[event]
        fn event(value: i32);
        /// Arguments named like the generated code's own bindings.
        #[stream(window = 2)]
        async fn stream(
            &self,
            caller: ::renamed_ipc::Caller,
            sink: u32,
            handler: u32,
            payload: u32,
            args: u32,
            out: ::renamed_ipc::Sink<u32>,
        ) -> u32;
    }

    pub(crate) struct Impl;

    impl Bare for Impl {
        async fn stream(
            &self,
            _caller: ::renamed_ipc::Caller,
            sink: u32,
            handler: u32,
            payload: u32,
            args: u32,
            mut out: ::renamed_ipc::Sink<u32>,
        ) -> u32 {
            for item in [sink, handler, payload, args] {
                if out.send(item).await.is_err() {
                    return 0;
                }
            }
            4
        }

        async fn send(&self, _caller: ::renamed_ipc::Caller, _text: ::std::string::String) {}

        async fn invoke(
            &self,
            _caller: ::renamed_ipc::Caller,
            a: ::renamed_ipc::Bytes,
            b: ::std::option::Option<bool>,
        ) -> ::std::result::Result<u32, ::std::string::String> {
            match b {
                ::std::option::Option::Some(true) => ::std::result::Result::Ok(
                    <u32 as ::core::convert::TryFrom<usize>>::try_from(a.len()).unwrap_or(u32::MAX),
                ),
                _ => ::std::result::Result::Err(<::std::string::String as ::std::convert::From<
                    &str,
                >>::from("no")),
            }
        }
    }
}

#[tokio::test]
async fn generated_code_is_hygienic() {
    let server = renamed_ipc::Server::new(no_prelude::BareService::new(no_prelude::Impl));
    let client = no_prelude::BareClient::connect_in_memory(&server, "app://main");
    client.send("x".to_owned()).await.unwrap();
    assert_eq!(client.invoke(vec![1, 2, 3].into(), Some(true)).await, Ok(3));
    assert_eq!(
        client.invoke(ipc_runtime::Bytes::new(), None).await,
        Err(renamed_ipc::IpcError::Handler {
            error: "no".to_owned()
        })
    );
    let mut events = client.on_event();
    client.send("sync".to_owned()).await.unwrap();
    no_prelude::BareEvents::new(server.events().broadcast())
        .event(5)
        .unwrap();
    assert_eq!(events.next().await, Some(5));
    for client in [
        no_prelude::BareClient::connect_in_memory(&server, "app://main"),
        no_prelude::BareClient::connect_direct(&server, "app://main"),
    ] {
        let mut stream = client.stream(1, 2, 3, 4);
        let mut items = Vec::new();
        while let Some(item) = stream.next().await {
            items.push(item);
        }
        assert_eq!(items, [1, 2, 3, 4]);
        assert_eq!(stream.result().await, Ok(4));
    }
}
