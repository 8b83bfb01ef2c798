//! User changes. The line password is generated when left blank on
//! creation and returned once; it is never read back afterwards.

use super::repair::{self, readable, readable_or_repair, readable_page, Opened};
use super::{config, in_use, stale, ServiceError};
use crate::model::list::{ListPage, Paging};
use crate::model::user::{User, UserInput, UserRules, UserSaved, UserView};
use crate::model::FieldErrors;
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store::{self, users::SqlUser};
use crate::ssr::unix_now;
use rand::distributions::{Alphanumeric, DistString};

/// Generated line passwords: 16 letters and digits, about 95 bits.
const GENERATED_LEN: usize = 16;

fn view_of(row: &SqlUser, user: User) -> UserView {
    UserView {
        id: row.id,
        version: row.version,
        user,
    }
}

fn view(row: &SqlUser) -> Result<UserView, ServiceError> {
    Ok(view_of(row, row.user()?))
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!(
        "User {id} does not exist (it may have been deleted)."
    ))
}

/// Every user that reads, by context and extension (the others are on
/// the repair list).
///
/// # Errors
/// When the database cannot be read.
pub async fn list(core: &Core) -> Result<Vec<UserView>, ServiceError> {
    Ok(readable(&store::users::list(&core.pool).await?, view_of))
}

/// One page of the users `query` asks for (its filter and page
/// are judged by the model, then filtered, counted and paged in SQL).
/// Shared by the console's list and `GET /api/v1/users`.
///
/// # Errors
/// `Invalid` naming the query field at fault; when the database cannot
/// be read.
pub async fn page(core: &Core, query: &impl Paging) -> Result<ListPage<UserView>, ServiceError> {
    let window = query.window().map_err(ServiceError::Invalid)?;
    let rows = store::users::page(&core.pool, &window).await?;
    Ok(readable_page(rows, &window, view_of))
}

/// How lists name the users `ids` ("Front Desk (1000)"), from the
/// running configuration: no query per row.
pub fn names(core: &Core, ids: impl IntoIterator<Item = i64>) -> Vec<(i64, String)> {
    let wanted: std::collections::HashSet<i64> = ids.into_iter().collect();
    core.config
        .borrow()
        .users
        .iter()
        .filter(|u| wanted.contains(&u.id))
        .map(|u| (u.id, u.user.display()))
        .collect()
}

async fn row(core: &Core, id: i64) -> Result<SqlUser, ServiceError> {
    let mut conn = core.pool.acquire().await?;
    store::users::get(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// One user, or what their form needs to repair them when they do not read.
///
/// # Errors
/// `NotFound` when there is no such user.
pub async fn open(core: &Core, id: i64) -> Result<Opened<UserView, UserInput>, ServiceError> {
    Ok(repair::open(&row(core, id).await?, view_of))
}

/// One user.
///
/// # Errors
/// `NotFound` when there is no such user; `Conflict` saying what to
/// repair when they do not read.
pub async fn get(core: &Core, id: i64) -> Result<UserView, ServiceError> {
    readable_or_repair(open(core, id).await?)
}

/// How a refusal names another user: by name, or by id when their
/// stored row does not read.
fn named(owner: &SqlUser, name: impl Fn(&User) -> String) -> String {
    owner
        .user()
        .map_or_else(|_| format!("user {}", owner.id), |u| name(&u))
}

async fn validate(core: &Core, input: &UserInput) -> Result<(User, Option<String>), ServiceError> {
    let rules = UserRules {
        contexts: store::contexts::list(&core.pool).await?,
    };
    input.validate(&rules).map_err(ServiceError::Invalid)
}

/// Extension and line username must be free; the refusal names the
/// user who has them ("Extension 1001 is already assigned to Alice").
async fn check_free(
    conn: &mut sqlx::SqliteConnection,
    user: &User,
    except: Option<i64>,
) -> Result<(), ServiceError> {
    let mut e = FieldErrors::new();
    if let Some(owner) = store::users::exten_owner(conn, &user.context, &user.exten, except).await?
    {
        e.push(
            "exten",
            format!(
                "Extension {} is already assigned to {} in context \u{201c}{}\u{201d}; choose another number.",
                user.exten,
                named(&owner, User::full_name),
                user.context
            ),
        );
    }
    if let Some(owner) = store::users::username_owner(conn, &user.line_username, except).await? {
        e.push(
            "line_username",
            format!(
                "Line username \u{201c}{}\u{201d} is already the line of {}; phones must authenticate as different names.",
                user.line_username,
                named(&owner, User::display)
            ),
        );
    }
    if e.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(e))
    }
}

/// Creates a user with a SIP line and publishes the configuration.
///
/// # Errors
/// `Invalid` with every field error.
pub async fn create(core: &Core, input: &UserInput) -> Result<UserSaved, ServiceError> {
    let (user, password) = validate(core, input).await?;
    let generated = password
        .is_none()
        .then(|| Alphanumeric.sample_string(&mut rand::thread_rng(), GENERATED_LEN));
    let secret = password.or_else(|| generated.clone()).unwrap_or_default();
    let settings = serde_json::to_string(&user)?;
    let mut tx = db::write(&core.pool).await?;
    check_free(&mut tx, &user, None).await?;
    let id = store::users::insert(&mut tx, &user, &settings, &secret, unix_now()).await?;
    let row = store::users::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(user = %user.display(), id, "user created");
    config::publish(core, config::Change::User(id)).await?;
    Ok(UserSaved {
        view: view(&row)?,
        generated_password: generated,
    })
}

/// Updates user `id`, opened at `version`; a blank password keeps the
/// stored one.
///
/// # Errors
/// `NotFound`, `Conflict` when someone saved in between, `Invalid`.
pub async fn update(
    core: &Core,
    id: i64,
    version: i64,
    input: &UserInput,
) -> Result<UserSaved, ServiceError> {
    let current = row(core, id).await?;
    if current.version != version {
        return Err(ServiceError::Stale {
            current: Some(current.version),
        });
    }
    let (user, password) = validate(core, input).await?;
    let settings = serde_json::to_string(&user)?;
    let mut tx = db::write(&core.pool).await?;
    check_free(&mut tx, &user, Some(id)).await?;
    let updated = store::users::update(
        &mut tx,
        id,
        version,
        &user,
        &settings,
        password.as_deref(),
        unix_now(),
    )
    .await?;
    if !updated {
        return Err(stale(&mut tx, "users", "id", &id.to_string()).await);
    }
    let row = store::users::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    tracing::info!(user = %user.display(), id, "user updated");
    config::publish(core, config::Change::User(id)).await?;
    Ok(UserSaved {
        view: view(&row)?,
        generated_password: None,
    })
}

/// Deletes user `id` unless an incoming call rings them.
///
/// # Errors
/// `NotFound`; `Conflict` naming the incoming calls.
pub async fn delete(core: &Core, id: i64) -> Result<(), ServiceError> {
    let current = row(core, id).await?;
    let mut tx = db::write(&core.pool).await?;
    let dids: Vec<String> = store::users::incalls_of(&mut tx, id)
        .await?
        .into_iter()
        .map(|d| format!("incoming call {d}"))
        .collect();
    if !dids.is_empty() {
        return Err(in_use(
            &format!("User {}", named(&current, User::display)),
            &dids,
        ));
    }
    if !store::users::delete(&mut tx, id).await? {
        return Err(not_found(id));
    }
    tx.commit().await?;
    tracing::info!(id, "user deleted");
    config::publish(core, config::Change::User(id)).await
}

#[cfg(test)]
mod tests;
