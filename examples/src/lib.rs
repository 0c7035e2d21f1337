//! Shared pieces of the example apps.
//!
//! The web demo (`cargo run -p ipc-examples --example web_app`) reproduces the four Electron IPC tutorial
//! patterns with the web host: [`demo::DemoIpc`] declares the channels, [`app::DemoApp`] implements them,
//! [`web::start`] serves them, and `web/` holds the renderer (TypeScript compiled to `web/public/js`).

pub mod app;
pub mod broker;
pub mod console;
pub mod demo;
pub mod files;
pub mod logging;
pub mod record;
pub mod web;
