use super::*;

fn ctx() -> ValidationContext {
    ValidationContext {
        incall_contexts: vec!["from-extern".into()],
        ..Default::default()
    }
}

/// The seed's own example, as the XiVO guide enters it.
fn seed() -> TrunkInput {
    TrunkInput {
        name: "provider_username".into(),
        auth_username: "provider_username".into(),
        secret: "provider_password".into(),
        connection_type: "peer".into(),
        host_type: "static".into(),
        host: "voip.provider.example.com".into(),
        context: "from-extern".into(),
        register: true,
        reg_transport: "udp".into(),
        reg_username: "provider_username".into(),
        reg_secret: "provider_password".into(),
        reg_server: "voip.provider.example.com".into(),
        monitoring: "2000".into(),
        ..TrunkInput::default()
    }
}

fn error_of(input: &TrunkInput, field: &str) -> String {
    let errors = input.validate(&ctx()).expect_err("should be refused");
    errors
        .get(field)
        .unwrap_or_else(|| panic!("no error on {field}: {errors:?}"))
        .to_owned()
}

#[test]
fn seed_example_is_valid() {
    let (trunk, secrets) = seed().validate(&ctx()).expect("seed is valid");
    assert_eq!(trunk.name, "provider_username");
    assert_eq!(trunk.host.as_deref(), Some("voip.provider.example.com"));
    assert_eq!(trunk.connection_type, ConnectionType::Peer);
    assert_eq!(trunk.monitoring, Some(2000));
    assert_eq!(trunk.reg_expiry, 120);
    assert_eq!(trunk.qualify_freq, 60);
    assert_eq!(secrets.secret.as_deref(), Some("provider_password"));
    assert_eq!(secrets.reg_secret.as_deref(), Some("provider_password"));
    // The form's shape comes back unchanged but for the secrets, and the
    // blank Register port, which reads back as the General port it took.
    let mut back = seed();
    back.secret.clear();
    back.reg_secret.clear();
    back.reg_port = "5060".into();
    assert_eq!(trunk.to_input(), back);
}

#[test]
fn secrets_never_in_debug_output() {
    let (_, secrets) = seed().validate(&ctx()).expect("valid");
    assert!(!format!("{secrets:?}").contains("provider_password"));
}

#[test]
fn name_rules() {
    let mut input = seed();
    input.name = String::new();
    assert_eq!(error_of(&input, "name"), "Name is required.");
    input.name = "bad name".into();
    assert!(error_of(&input, "name").contains("\u{201c} \u{201d} is not allowed"));
    input.name = "x".repeat(41);
    assert!(error_of(&input, "name").contains("at most 40"));
    input.name = "ok-name_1.2".into();
    assert!(input.validate(&ctx()).is_ok());
}

#[test]
fn static_host_must_be_valid_and_dynamic_needs_none() {
    let mut input = seed();
    input.host = "not a host".into();
    assert!(error_of(&input, "host").contains("not a host name or an IP address"));
    input.host = String::new();
    assert_eq!(error_of(&input, "host"), "Host is required.");
    input.host_type = "dynamic".into();
    let (trunk, _) = input.validate(&ctx()).expect("dynamic needs no host");
    assert_eq!(trunk.host, None);
    input.host_type = "sometimes".into();
    assert!(error_of(&input, "host_type").contains("dynamic or static"));
}

#[test]
fn ports_and_ranges() {
    let mut input = seed();
    input.port = "70000".into();
    assert!(error_of(&input, "port").contains("1 to 65535"));
    input.port = "5060".into();
    input.reg_port = "0".into();
    assert!(error_of(&input, "reg_port").starts_with("Register port"));
    input.reg_port = "5060".into();
    input.call_limit = "51".into();
    assert!(error_of(&input, "call_limit").contains("0 to 50"));
    input.call_limit = "50".into();
    input.reg_expiry = "59".into();
    assert!(error_of(&input, "reg_expiry").contains("60 to 3600"));
    input.reg_expiry = "3601".into();
    assert!(error_of(&input, "reg_expiry").contains("60 to 3600"));
    input.reg_expiry = "3600".into();
    input.qualify_freq = "9".into();
    assert!(error_of(&input, "qualify_freq").contains("10 to 300"));
    input.qualify_freq = "301".into();
    assert!(error_of(&input, "qualify_freq").contains("10 to 300"));
    input.qualify_freq = "300".into();
    assert!(input.validate(&ctx()).is_ok());
}

#[test]
fn monitoring_values() {
    let mut input = seed();
    for (raw, want) in [
        ("no", None),
        ("yes", Some(2000)),
        ("500", Some(500)),
        ("4000", Some(4000)),
    ] {
        input.monitoring = raw.into();
        assert_eq!(input.validate(&ctx()).expect(raw).0.monitoring, want);
    }
    for raw in ["499", "4001", "fast"] {
        input.monitoring = raw.into();
        assert!(error_of(&input, "monitoring").contains("500 to 4000"));
    }
    // Every value the select offers is accepted.
    for (value, _) in MONITORING_CHOICES {
        input.monitoring = (*value).into();
        assert!(input.validate(&ctx()).is_ok(), "{value}");
    }
}

#[test]
fn media_timeouts_are_off_or_5_to_3600_seconds() {
    let mut input = seed();
    let (trunk, _) = input.validate(&ctx()).expect("defaults");
    assert_eq!((trunk.rtp_timeout, trunk.rtp_hold_timeout), (60, 300));
    for (raw, want) in [("0", 0), ("5", 5), ("3600", 3600), (" 90 ", 90), ("", 60)] {
        input.rtp_timeout = raw.into();
        assert_eq!(input.validate(&ctx()).expect(raw).0.rtp_timeout, want);
    }
    for raw in ["4", "3601", "1m", "-1"] {
        input.rtp_timeout = raw.into();
        let e = error_of(&input, "rtp_timeout");
        assert!(e.starts_with("RTP timeout must be 0"), "{e}");
    }
    input.rtp_timeout = "60".into();
    input.rtp_hold_timeout = "2".into();
    assert!(error_of(&input, "rtp_hold_timeout").starts_with("RTP hold timeout"));
}

#[test]
fn dtmf_inband_is_refused_in_the_form_and_in_a_stored_trunk() {
    let mut input = seed();
    input.dtmf_mode = "inband".into();
    let e = error_of(&input, "dtmf_mode");
    assert!(e.starts_with("DTMF mode inband is not offered"), "{e}");
    assert!(e.contains("rfc2833"), "{e}");
    for (mode, want) in [("rfc2833", DtmfMode::Rfc2833), ("info", DtmfMode::Info)] {
        input.dtmf_mode = mode.into();
        assert_eq!(input.validate(&ctx()).expect(mode).0.dtmf_mode, want);
    }
    // A trunk an earlier release stored with inband: refused with the same
    // sentence, which the repair list shows.
    let (trunk, _) = seed().validate(&ctx()).expect("valid");
    let mut json = serde_json::to_value(&trunk).expect("json");
    json["dtmf_mode"] = "inband".into();
    let error = serde_json::from_value::<Trunk>(json.clone())
        .expect_err("inband no longer reads")
        .to_string();
    assert!(
        error.starts_with("DTMF mode inband is not offered"),
        "{error}"
    );
    json["dtmf_mode"] = "info".into();
    assert!(serde_json::from_value::<Trunk>(json).is_ok());
}

#[test]
fn a_trunk_stored_before_media_timeouts_reads_the_defaults() {
    let (trunk, _) = seed().validate(&ctx()).expect("valid");
    let mut json = serde_json::to_value(&trunk).expect("json");
    let fields = json.as_object_mut().expect("object");
    fields.remove("rtp_timeout");
    fields.remove("rtp_hold_timeout");
    let old: Trunk = serde_json::from_value(json).expect("an older row reads");
    assert_eq!((old.rtp_timeout, old.rtp_hold_timeout), (60, 300));
}

#[test]
fn register_fields_required_only_when_checked() {
    let mut input = seed();
    input.reg_username.clear();
    input.reg_server.clear();
    input.reg_secret.clear();
    input.secret.clear();
    let errors = input.validate(&ctx()).expect_err("missing register fields");
    assert!(errors.get("reg_username").is_some());
    assert!(errors.get("reg_server").is_some());
    assert!(errors.get("reg_secret").is_some());
    // A stored password is enough when editing.
    let editing = ValidationContext {
        has_stored_secret: true,
        ..ctx()
    };
    let errors = input.validate(&editing).expect_err("still no user");
    assert!(errors.get("reg_secret").is_none());
    input.register = false;
    assert!(input.validate(&ctx()).is_ok());
}

#[test]
fn register_server_checked_even_when_unchecked() {
    let mut input = seed();
    input.register = false;
    input.reg_server = "bad server!".into();
    assert!(error_of(&input, "reg_server").starts_with("Remote server"));
}

#[test]
fn context_must_be_an_incall_context() {
    let mut input = seed();
    input.context = "default".into();
    let message = error_of(&input, "context");
    assert!(message.contains("not an incoming-call context"));
    assert!(message.contains("from-extern"));
    input.context = String::new();
    assert!(error_of(&input, "context").contains("required"));
}

#[test]
fn choices_refuse_unknown_values() {
    let mut input = seed();
    input.connection_type = "bestie".into();
    assert_eq!(
        error_of(&input, "connection_type"),
        "Connection type must be one of user, peer, friend; \u{201c}bestie\u{201d} is not."
    );
    let mut input = seed();
    input.nat = "yes".into();
    assert!(error_of(&input, "nat").contains("force_rport"));
    let mut input = seed();
    input.reg_transport = "tls".into();
    assert!(error_of(&input, "reg_transport").contains("udp, tcp"));
    let mut input = seed();
    input.dtmf_mode = "auto".into();
    assert!(error_of(&input, "dtmf_mode").contains("rfc2833"));
}

#[test]
fn codecs_ordered_unique_known() {
    let mut input = seed();
    input.codecs = vec!["g722".into(), "ulaw".into()];
    let (trunk, _) = input.validate(&ctx()).expect("valid");
    assert_eq!(trunk.codecs, vec![Codec::G722, Codec::Ulaw]);
    input.codecs = vec!["ulaw".into(), "ulaw".into()];
    assert!(error_of(&input, "codecs").contains("twice"));
    input.codecs = vec!["gsm".into()];
    assert!(error_of(&input, "codecs").contains("gsm"));
    input.codecs.clear();
    assert!(error_of(&input, "codecs").contains("at least one"));
}

#[test]
fn text_fields() {
    let mut input = seed();
    input.language = "french".into();
    assert!(error_of(&input, "language").contains("fr_FR"));
    input.language = "fr_CA".into();
    input.reg_callback = "12a".into();
    assert!(error_of(&input, "reg_callback").contains("digits"));
    input.reg_callback = "1000".into();
    input.auth_username = "user@host".into();
    assert!(error_of(&input, "auth_username").contains("\u{201c}@\u{201d}"));
    input.auth_username = "provider_username".into();
    input.secret = "tab\there".into();
    assert!(error_of(&input, "secret").contains("control characters"));
    input.secret = "ok".into();
    input.caller_id = "\"Front desk\" <4185550100>".into();
    input.outbound_proxy = "proxy.example.com:5070".into();
    input.from_domain = "example.com".into();
    let (trunk, _) = input.validate(&ctx()).expect("valid");
    assert_eq!(trunk.outbound_proxy, "proxy.example.com:5070");
    input.outbound_proxy = "proxy.example.com:0".into();
    assert!(error_of(&input, "outbound_proxy").contains("1 to 65535"));
    input.outbound_proxy = "[2001:db8::1]:5060".into();
    assert!(input.validate(&ctx()).is_ok());
}

#[test]
fn all_errors_reported_at_once() {
    let mut input = seed();
    input.port = "0".into();
    input.host = "bad host".into();
    input.call_limit = "99".into();
    let errors = input.validate(&ctx()).expect_err("three problems");
    assert_eq!(errors.0.len(), 3, "{errors:?}");
}

#[test]
fn rest_numbers_accepted_as_json_numbers() {
    let json = r#"{"name":"t1","port":5070,"reg_expiry":300,"monitoring":2000,"call_limit":null}"#;
    let input: TrunkInput = serde_json::from_str(json).expect("lenient numbers");
    assert_eq!(input.port, "5070");
    assert_eq!(input.reg_expiry, "300");
    assert_eq!(input.monitoring, "2000");
    assert_eq!(input.call_limit, "");
    // Unsent fields take the form's defaults.
    assert_eq!(input.qualify_freq, "60");
}

#[test]
fn host_with_a_port_is_split_when_port_agrees_and_refused_when_not() {
    let mut input = seed();
    input.host = "127.0.0.1:5080".into();
    input.port = String::new();
    input.reg_port = String::new();
    let (trunk, _) = input.validate(&ctx()).expect("blank Port takes the host's");
    assert_eq!(trunk.host.as_deref(), Some("127.0.0.1"));
    assert_eq!(trunk.port, 5080);
    assert_eq!(
        trunk.reg_port, 5080,
        "blank Register port is the General port"
    );

    input.port = "5080".into();
    let (trunk, _) = input.validate(&ctx()).expect("the same port twice");
    assert_eq!(
        (trunk.host.as_deref(), trunk.port),
        (Some("127.0.0.1"), 5080)
    );

    input.port = "5060".into();
    let message = error_of(&input, "host");
    assert!(
        message.contains("port 5080 while Port says 5060") && message.contains("Port field"),
        "{message}"
    );
    input.host = "[2001:db8::1]:5070".into();
    input.port = String::new();
    let (trunk, _) = input.validate(&ctx()).expect("bracketed IPv6 and a port");
    assert_eq!(
        (trunk.host.as_deref(), trunk.port),
        (Some("2001:db8::1"), 5070)
    );
    input.host = "2001:db8::1".into();
    let (trunk, _) = input
        .validate(&ctx())
        .expect("a bare IPv6 address has no port");
    assert_eq!(
        (trunk.host.as_deref(), trunk.port),
        (Some("2001:db8::1"), 5060)
    );
}

#[test]
fn blank_addressing_type_follows_the_host() {
    let mut input = seed();
    input.host_type = String::new();
    let (trunk, _) = input.validate(&ctx()).expect("a host means static");
    assert_eq!(trunk.host.as_deref(), Some("voip.provider.example.com"));
    input.host = String::new();
    let (trunk, _) = input.validate(&ctx()).expect("no host means dynamic");
    assert_eq!(trunk.host, None);
}

#[test]
fn number_fields_serialise_as_numbers_and_read_back() {
    let input = seed();
    let json = serde_json::to_value(&input).expect("json");
    assert_eq!(json["port"], 5060);
    assert_eq!(json["monitoring"], 2000);
    assert_eq!(json["reg_expiry"], 120);
    let back: TrunkInput = serde_json::from_value(json).expect("reads back");
    assert_eq!(back, input);
}
