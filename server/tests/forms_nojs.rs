//! Forms posted as a browser without the WASM posts them (form-encoded,
//! to the page itself), through the real router: the login, a trunk
//! saved, refused and deleted, a user's Direct media box, logout. The CSRF
//! guard holds for them: the token travels in the hidden `csrf_token`
//! field, the origin is checked as for any change, and a post without the
//! token, or from another site, changes nothing.

mod common;

use axum::body::Body;
use axum::http::{header, StatusCode};
use common::console::{request, Answer, Console, Session, EVIL, ORIGIN, PASSWORD};

const FORM: &str = "application/x-www-form-urlencoded";

/// A form post from `origin` with the session's cookies (if any).
async fn post(
    console: &Console,
    session: Option<&Session>,
    origin: &str,
    path: &str,
    body: &str,
) -> Answer {
    let mut builder = request("POST", path)
        .header(header::ORIGIN, origin)
        .header(header::CONTENT_TYPE, FORM);
    if let Some(session) = session {
        builder = builder.header(header::COOKIE, session.cookie_header());
    }
    console
        .send(builder.body(Body::from(body.to_owned())).expect("request"))
        .await
}

fn location(answer: &Answer) -> &str {
    answer
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn cookies(answer: &Answer) -> Vec<String> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

async fn trunk_count(console: &Console) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM trunks")
        .fetch_one(&console.core.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn the_login_form_posts_without_the_wasm() {
    let console = Console::new().await;
    // A wrong password: the page again, the username kept, no password.
    let typed = "hunter2-typed-wrong";
    let answer = post(
        &console,
        None,
        ORIGIN,
        "/login",
        &format!("form=login&username=admin&password={typed}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.body.contains("Wrong username or password."),
        "{}",
        answer.body
    );
    assert!(!answer.body.contains(typed), "the password came back");
    assert!(cookies(&answer).is_empty());
    // From another site: refused before the password is looked at.
    let answer = post(
        &console,
        None,
        EVIL,
        "/login",
        &format!("form=login&username=admin&password={PASSWORD}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(cookies(&answer).is_empty());
    // The right password: into the console, with the session's cookies,
    // and nothing of the form in the address.
    let answer = post(
        &console,
        None,
        ORIGIN,
        "/login",
        &format!("form=login&username=admin&password={PASSWORD}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(location(&answer), "/");
    let set = cookies(&answer);
    assert!(
        set.iter().any(|c| c.starts_with("trunkline_session=")),
        "{set:?}"
    );
    assert!(
        set.iter().any(|c| c.starts_with("trunkline_csrf=")),
        "{set:?}"
    );
}

#[tokio::test]
async fn a_trunk_form_post_needs_the_session_token() {
    let console = Console::new().await;
    let session = console.session().await;
    let fields = "name=provider&host_type=static&host=voip.example.com&port=5060\
&connection_type=peer&context=from-extern&nat=no&call_limit=0&reg_transport=udp\
&reg_expiry=120&codecs%5B0%5D=ulaw&dtmf_mode=rfc2833&monitoring=no&qualify_freq=60\
&secret=s3cret-typed";
    // Without the token, with another session's, or from another site
    // with the right one: refused, nothing saved.
    let other = console.session().await;
    for (origin, body) in [
        (ORIGIN, fields.to_owned()),
        (ORIGIN, format!("{fields}&csrf_token={}", other.csrf)),
        (EVIL, format!("{fields}&csrf_token={}", session.csrf)),
    ] {
        let answer = post(&console, Some(&session), origin, "/ipbx/trunks/new", &body).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{origin} {body}");
    }
    assert_eq!(trunk_count(&console).await, 0);

    // With it, but a field the rules refuse: the same page again, the
    // typed values in it, the error under its field, the password not.
    let refused = format!(
        "{}&csrf_token={}",
        fields.replace("port=5060", "port=99999"),
        session.csrf
    );
    let answer = post(
        &console,
        Some(&session),
        ORIGIN,
        "/ipbx/trunks/new",
        &refused,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains(r#"value="voip.example.com""#),
        "typed host kept: {}",
        answer.body
    );
    assert!(answer.body.contains(r#"value="99999""#), "typed port kept");
    assert!(answer.body.contains("id=\"error-port\""), "{}", answer.body);
    assert!(
        !answer.body.contains("s3cret-typed"),
        "the secret came back"
    );
    assert_eq!(trunk_count(&console).await, 0);

    // Fixed and posted again: saved, and back to the list.
    let answer = post(
        &console,
        Some(&session),
        ORIGIN,
        "/ipbx/trunks/new",
        &format!("{fields}&csrf_token={}", session.csrf),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(location(&answer), "/ipbx/trunks");
    assert_eq!(trunk_count(&console).await, 1);
    let id: i64 = sqlx::query_scalar("SELECT id FROM trunks")
        .fetch_one(&console.core.pool)
        .await
        .expect("id");

    // "Yes, delete" on the list: without the token refused, with it gone.
    let delete = format!("delete={id}");
    let answer = post(&console, Some(&session), ORIGIN, "/ipbx/trunks", &delete).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(trunk_count(&console).await, 1);
    let answer = post(
        &console,
        Some(&session),
        ORIGIN,
        "/ipbx/trunks",
        &format!("{delete}&csrf_token={}", session.csrf),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(trunk_count(&console).await, 0);
}

#[tokio::test]
async fn logout_posted_before_the_wasm_ends_the_session() {
    let console = Console::new().await;
    let session = console.session().await;
    // The header bar's form: no X-CSRF-Token header, the token in a field.
    let logout = |body: String| {
        request("POST", "/api/logout")
            .header(header::ORIGIN, ORIGIN)
            .header(header::REFERER, format!("{ORIGIN}/ipbx/trunks"))
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, FORM)
            .header(header::COOKIE, session.cookie_header())
            .body(Body::from(body))
            .expect("request")
    };
    let answer = console.send(logout(String::new())).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "no token, no logout");
    let answer = console
        .send(logout(format!("csrf_token={}", session.csrf)))
        .await;
    assert!(answer.status.is_redirection(), "{}", answer.status);
    assert_eq!(location(&answer), "/login");
    // The session is over: its cookie no longer opens a page.
    let answer = console
        .send(
            request("GET", "/ipbx/trunks")
                .header(header::COOKIE, session.cookie_header())
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(location(&answer), "/login");
}

#[tokio::test]
async fn pages_carry_their_session_token_for_the_forms() {
    let console = Console::new().await;
    let session = console.session().await;
    let answer = console
        .send(
            request("GET", "/ipbx/trunks/new")
                .header(header::COOKIE, session.cookie_header())
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let field = format!(r#"name="csrf_token" value="{}""#, session.csrf);
    assert!(answer.body.contains(&field), "{}", answer.body);
    // The form is in the HTML itself (in-order rendering), posted to
    // its own page, with no "Loading…" left for a script to replace.
    assert!(answer.body.contains(r#"method="post""#));
    assert!(answer.body.contains(r#"id="name""#));
}

/// A user saved without the WASM with Direct media ticked keeps it, and
/// their page shows the box ticked.
#[tokio::test]
async fn a_user_form_post_keeps_direct_media() {
    let console = Console::new().await;
    let session = console.session().await;
    let fields = format!(
        "firstname=Front&lastname=Desk&exten=1000&context=default\
&line_password=front-desk-line&caller_id_mode=default&ringtime=30\
&direct_media=true&csrf_token={}",
        session.csrf
    );
    let answer = post(&console, Some(&session), ORIGIN, "/ipbx/users/new", &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(location(&answer), "/ipbx/users");
    let id: i64 = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(&console.core.pool)
        .await
        .expect("id");
    let page = console
        .send(
            request("GET", &format!("/ipbx/users/edit/{id}"))
                .header(header::COOKIE, session.cookie_header())
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let tag = page
        .body
        .split("<input")
        .find(|tag| tag.contains(r#"name="direct_media""#))
        .unwrap_or_default();
    assert!(tag.contains("checked"), "the box is not ticked: {tag:?}");
}
