//! The real `trunkline serve` binary on 127.0.0.1: its SIP port answers a
//! real SIPp's OPTIONS over UDP and TCP, as a provider's qualify would see.

mod common;

use common::serve::{free_port, sipp_client, start_server};

#[tokio::test]
async fn serve_answers_options_over_udp_and_tcp() {
    let port = free_port();
    let dir =
        std::env::temp_dir().join(format!("trunkline-serve-sip-{}-{port}", std::process::id()));
    let mut server = start_server(&dir.join("t.db"), port).await;
    for transport in ["u1", "t1"] {
        let (ok, errors) = sipp_client("options_uac.xml", port, transport, &[]).await;
        assert!(ok, "sipp got no 200 to OPTIONS over {transport}: {errors}");
    }
    let _ = server.kill().await;
}
