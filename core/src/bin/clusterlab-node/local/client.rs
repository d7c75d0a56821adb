//! A minimal blocking RESP client, enough to set a local cluster up.

use clusterlab_core::resp::{parse_reply, Protocol, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct Conn {
    stream: TcpStream,
    port: u16,
}

impl Conn {
    pub fn open(port: u16) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Conn { stream, port })
    }

    /// Sends one command and reads its reply.
    pub fn call(&mut self, args: &[&str]) -> Result<Value, String> {
        let mut out = Vec::new();
        Value::Array(args.iter().map(Value::bulk).collect()).encode(Protocol::Resp2, &mut out);
        let fail = |e: std::io::Error| format!("127.0.0.1:{}: {e}", self.port);
        self.stream.write_all(&out).map_err(fail)?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if let Some((value, _)) = parse_reply(&buf).map_err(|e| e.0)? {
                return Ok(value);
            }
            let n = self.stream.read(&mut chunk).map_err(fail)?;
            if n == 0 {
                return Err(format!("127.0.0.1:{} closed the connection", self.port));
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// A command that must answer OK.
    pub fn ok(&mut self, args: &[&str]) -> Result<(), String> {
        match self.call(args)? {
            Value::Simple(s) if s == "OK" => Ok(()),
            other => Err(format!(
                "127.0.0.1:{} {}: {}",
                self.port,
                args.join(" "),
                other.to_cli_text()
            )),
        }
    }

    /// A command answering text (bulk or verbatim).
    pub fn text(&mut self, args: &[&str]) -> Result<String, String> {
        match self.call(args)? {
            Value::Bulk(b) => Ok(String::from_utf8_lossy(&b).into_owned()),
            Value::Verbatim(s) => Ok(s),
            other => Err(format!(
                "127.0.0.1:{} {}: {}",
                self.port,
                args.join(" "),
                other.to_cli_text()
            )),
        }
    }
}
