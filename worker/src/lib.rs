//! The simulation thread of the web app's big clusters (300 to 1000 nodes).
//!
//! Above what the page animates node by node, the simulator runs in a Web Worker so the page
//! never waits for it: the page sends [`protocol::Request`]s, the worker answers with
//! [`protocol::Update`]s, both as JSON strings. [`driver::Driver`] is the loop, [`digest`]
//! what the page is sent of the cluster; `main.rs` ties them to the browser.

pub mod digest;
pub mod driver;
pub mod protocol;
