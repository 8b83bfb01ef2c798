//! `/api/v1/trunks`: list, get, create, replace, patch, delete. A trunk
//! is shown with the fields its form has (`host_type` included), never its
//! passwords: `has_secret` and `has_reg_secret` say whether one is stored,
//! and a PUT or PATCH without `secret` / `reg_secret` keeps it.

use super::body::{self, Body};
use super::{create, reads_and_delete, replace_and_patch};
use app::model::trunk::{TrunkInput, TrunkView};
use app::ssr::service::trunks;
use serde_json::{Map, Value};

impl Body for TrunkInput {
    const ONE: &'static str = "a trunk";
    const OPTIONAL: &'static [&'static str] = &[
        "auth_username",
        "caller_id",
        "host",
        "language",
        "reg_username",
        "reg_server",
        "reg_callback",
        "outbound_proxy",
        "from_user",
        "from_domain",
        // Added with media anchoring: clients written before it keep working (off).
        "direct_media",
        // Added with media timeouts: left out, they take Asterisk's defaults (60 s, 300 s).
        "rtp_timeout",
        "rtp_hold_timeout",
    ];
    const WRITE_ONLY: &'static [&'static str] = &["secret", "reg_secret"];
    const READ_ONLY: &'static [&'static str] = &["id", "has_secret", "has_reg_secret"];
    const ALIASES: &'static [(&'static str, &'static str)] = &[
        ("username", "auth_username (what calls out authenticate as; reg_username is the Register tab's)"),
        ("defaultuser", "auth_username"),
        ("password", "secret (write-only)"),
        ("fromuser", "from_user"),
        ("fromdomain", "from_domain"),
        ("callerid", "caller_id"),
        ("type", "connection_type (user, peer or friend)"),
        ("qualify", "monitoring (no, yes or a threshold in ms)"),
        ("qualifyfreq", "qualify_freq"),
        ("insecure", "connection_type: a peer trunk's calls are recognised by its host, as insecure=port,invite lets them in"),
        ("call-limit", "call_limit"),
        ("calllimit", "call_limit"),
        ("dtmfmode", "dtmf_mode"),
        ("directmedia", "direct_media (true or false)"),
        ("canreinvite", "direct_media (true or false)"),
        ("outboundproxy", "outbound_proxy"),
        ("rtptimeout", "rtp_timeout"),
        ("rtpholdtimeout", "rtp_hold_timeout"),
        ("allow", "codecs (an array, in order of preference)"),
        ("disallow", "codecs (only the codecs listed are offered)"),
        ("transport", "reg_transport"),
        ("expiry", "reg_expiry"),
        ("defaultexpiry", "reg_expiry"),
        ("registertimeout", "reg_expiry"),
        ("ip_addressing_type", "host_type (dynamic or static)"),
        ("enabled", "disabled"),
        ("commented", "disabled"),
    ];

    /// Left out of a POST: the addressing type follows `host`, and `port`
    /// may come from `host:port` (the model reads blank so; `reg_port` is
    /// blank by default, the General port).
    fn complete(body: &mut Map<String, Value>) {
        for field in ["host_type", "port"] {
            body.entry(field)
                .or_insert_with(|| Value::String(String::new()));
        }
    }
}

fn show(view: &TrunkView) -> Value {
    body::represent(
        &view.trunk.to_input(),
        view.version,
        [
            ("id", view.id.into()),
            ("has_secret", view.has_secret.into()),
            ("has_reg_secret", view.has_reg_secret.into()),
        ],
    )
}

reads_and_delete!(paged trunks, show, id: i64 => id);
create!(trunks, TrunkInput, show, |v: &TrunkView| format!(
    "trunks/{}",
    v.id
));
replace_and_patch!(trunks, TrunkInput, show, show, id: i64 => id);
