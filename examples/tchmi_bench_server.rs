//! A loopback TwinCAT HMI stand-in for `bench/tchmi.sh`: answers `ListActiveSessions` with a
//! generated listing of N clients and M subscriptions (no authentication, any login accepted).
//!
//! Usage: `tchmi_bench_server [CLIENTS] [SUBSCRIPTIONS]`; prints the port it listens on.

use std::fmt::Write as _;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// The `readValue` of ListActiveSessions, as text, with or without lengths and durations.
fn listing(clients: usize, subscriptions: usize, lengths: bool, durations: bool) -> String {
    let mut out = String::with_capacity(clients * 200 + subscriptions * 250);
    out.push_str(r#"{"clients":{"#);
    // Four sockets per client address, like browsers with several tabs.
    for (n, ip) in (0..clients.div_ceil(4)).enumerate() {
        if n > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#""10.{}.{}.{}":["#,
            ip / 65_536 % 256,
            ip / 256 % 256,
            ip % 256
        );
        for socket in 0..4.min(clients - ip * 4) {
            if socket > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                r#"{{"sessionId":"{:032x}","userName":"Operator{}","commands":["#,
                ip * 4 + socket,
                ip % 50
            );
            for c in 0..(socket % 3) {
                if c > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    r#"{{"id":{},"symbol":"ADS.PLC1.MAIN.aValues[{}]"}}"#,
                    c + 5,
                    (ip + c) % subscriptions.max(1)
                );
            }
            out.push_str("]}");
        }
        out.push(']');
    }
    out.push_str(r#"},"subscriptions":{"#);
    for s in 0..subscriptions {
        if s > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#""{s:08x}":{{"id":{s},"type":"Subscription","clientCount":{},"intervalTime":500,"commands":[{{"symbol":"ADS.PLC1.MAIN.aValues[{s}]","lastSent":"2025-05-12T09:14:03.512Z"{}}}]"#,
            s % 7 + 1,
            if lengths {
                r#","readValueJsonLength":12"#
            } else {
                ""
            }
        );
        if lengths {
            out.push_str(r#","readValueJsonLength":12"#);
        }
        if durations {
            let _ = write!(out, r#","averageDuration":"PT0.000{:04}S""#, s % 10_000);
        }
        out.push('}');
    }
    out.push_str("}}");
    out
}

/// The reply to `request`: the listing for ListActiveSessions, an empty success otherwise.
fn reply(request: &Value, listings: &[String; 4]) -> String {
    let id = &request["id"];
    let command = &request["commands"][0];
    if command["symbol"] != "ListActiveSessions" {
        return json!({"id": id, "apiVersion": 19, "commands": [{"symbol": command["symbol"]}]})
            .to_string();
    }
    let lengths = command["writeValue"]["readValueJsonLength"] == json!(true);
    let durations = command["writeValue"]["averageDuration"] == json!(true);
    let value = &listings[usize::from(lengths) * 2 + usize::from(durations)];
    format!(
        r#"{{"requestType":"ReadWrite","id":{id},"apiVersion":19,"commands":[{{"symbol":"ListActiveSessions","commandOptions":["SendErrorMessage"],"readValue":{value}}}]}}"#
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let clients = args.next().and_then(Result::ok).unwrap_or(10_000);
    let subscriptions = args.next().and_then(Result::ok).unwrap_or(5_000);
    // Indexed by `lengths * 2 + durations`, as `reply` picks them.
    let listings = Arc::new([
        listing(clients, subscriptions, false, false),
        listing(clients, subscriptions, false, true),
        listing(clients, subscriptions, true, false),
        listing(clients, subscriptions, true, true),
    ]);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?.port());
    eprintln!(
        "tchmi_bench_server: {clients} clients, {subscriptions} subscriptions, plain reply {} bytes",
        listings[0].len()
    );
    loop {
        let (tcp, _) = listener.accept().await?;
        let listings = listings.clone();
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                return;
            };
            while let Some(Ok(Message::Text(text))) = ws.next().await {
                let Ok(request) = serde_json::from_str::<Value>(&text) else {
                    return;
                };
                if ws
                    .send(Message::text(reply(&request, &listings)))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
    }
}
