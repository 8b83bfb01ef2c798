//! A provider's registrar in the test itself: a real UDP socket on
//! 127.0.0.1 that answers every REGISTER with 200 and reports what each
//! asked for, for tests that need many trunks registered at once.

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// (From user, requested expiry) of one REGISTER.
pub type Seen = (String, u32);

fn header<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .find(|l| {
            l.len() > name.len()
                && l[..name.len()].eq_ignore_ascii_case(name)
                && l[name.len()..].starts_with(':')
        })
        .map(|l| l[name.len() + 1..].trim())
}

/// Answers every REGISTER with 200 and reports what it asked for.
pub async fn provider() -> (u16, mpsc::UnboundedReceiver<Seen>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind provider");
    let port = socket.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65_536];
        while let Ok((n, from)) = socket.recv_from(&mut buf).await {
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            if !text.starts_with("REGISTER ") {
                continue;
            }
            let from_hdr = header(&text, "From").unwrap_or("");
            let user = from_hdr
                .split("sip:")
                .nth(1)
                .and_then(|r| r.split('@').next())
                .unwrap_or("")
                .to_owned();
            let expires = header(&text, "Expires")
                .and_then(|e| e.parse().ok())
                .unwrap_or(u32::MAX);
            let _ = tx.send((user, expires));
            let contact = header(&text, "Contact").unwrap_or("");
            let mut response = String::from("SIP/2.0 200 OK\r\n");
            for name in ["Via", "From", "Call-ID", "CSeq"] {
                if let Some(v) = header(&text, name) {
                    response.push_str(&format!("{name}: {v}\r\n"));
                }
            }
            response.push_str(&format!(
                "To: {};tag=prov\r\n",
                header(&text, "To").unwrap_or("")
            ));
            if expires > 0 {
                response.push_str(&format!("Contact: {contact};expires={expires}\r\n"));
            }
            response.push_str("Content-Length: 0\r\n\r\n");
            let _ = socket.send_to(response.as_bytes(), from).await;
        }
    });
    (port, rx)
}
