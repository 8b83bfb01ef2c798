//! Login, first administrator, logout.

use super::client::ConsoleClient;
use super::FormOutcome;
use crate::model::admin::AdminInput;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Public: the login screen asks whether to offer "Create the administrator".
#[server(prefix = "/api", endpoint = "admin_exists", client = ConsoleClient)]
pub async fn admin_exists() -> Result<bool, ServerFnError> {
    use super::server::{core, read};
    read(crate::ssr::service::auth::admin_exists(&core()?).await)
}

/// Public while no administrator exists; opens a session on success.
#[server(prefix = "/api", endpoint = "create_admin", input = Json, client = ConsoleClient)]
pub async fn create_admin(input: AdminInput) -> Result<FormOutcome<()>, ServerFnError> {
    use super::server::{core, outcome, state};
    use crate::ssr::service::auth;
    let core = core()?;
    let created = auth::create_first_admin(&core, &input).await;
    if let Err(e) = created {
        return outcome(Err(e));
    }
    let state = state()?;
    let from = client_addr().await;
    let token = auth::login(
        &core,
        &state.login_limiter,
        from,
        &input.username,
        &input.password,
    )
    .await;
    outcome(token.map(|t| start_session(&t)))
}

/// Public: checks the password and sets the session cookie.
#[server(prefix = "/api", endpoint = "login", input = Json, client = ConsoleClient)]
pub async fn login(username: String, password: String) -> Result<FormOutcome<()>, ServerFnError> {
    use super::server::{outcome, state};
    let state = state()?;
    let from = client_addr().await;
    let token = crate::ssr::service::auth::login(
        &state.core,
        &state.login_limiter,
        from,
        &username,
        &password,
    )
    .await;
    outcome(token.map(|t| start_session(&t)))
}

#[server(prefix = "/api", endpoint = "logout", client = ConsoleClient)]
pub async fn logout() -> Result<(), ServerFnError> {
    use super::server::{core, read};
    use crate::ssr::auth::{cleared_cookie, session_token};
    let headers: http::HeaderMap = leptos_axum::extract().await?;
    if let Some(token) = session_token(&headers) {
        read(crate::ssr::service::auth::logout(&core()?, &token).await)?;
    }
    set_cookie(&cleared_cookie());
    set_cookie(&crate::ssr::auth::cleared_csrf_cookie());
    leptos_axum::redirect("/login");
    Ok(())
}

/// The logged-in administrator's name, for the header.
#[server(prefix = "/api", endpoint = "whoami", client = ConsoleClient)]
pub async fn whoami() -> Result<String, ServerFnError> {
    use crate::ssr::auth::session_token;
    let headers: http::HeaderMap = leptos_axum::extract().await?;
    let core = super::server::core()?;
    match session_token(&headers) {
        Some(token) => Ok(super::server::read(
            crate::ssr::service::auth::session_user(&core, &token).await,
        )?
        .unwrap_or_default()),
        None => Ok(String::new()),
    }
}

#[cfg(feature = "ssr")]
fn start_session(token: &str) {
    set_cookie(&crate::ssr::auth::session_cookie(token));
    set_cookie(&crate::ssr::auth::csrf_cookie(token));
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// The peer's address, for the wrong-password limiter.
#[cfg(feature = "ssr")]
async fn client_addr() -> std::net::IpAddr {
    use axum::extract::ConnectInfo;
    leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}
