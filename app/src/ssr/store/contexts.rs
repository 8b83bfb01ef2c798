//! Dial-plan contexts. Name, label and kind are columns; ranges, lengths
//! and includes are the model's JSON in `settings`.

use crate::model::context::{Context, ContextKind, ContextView};
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
struct SqlContext {
    name: String,
    label: String,
    kind: String,
    settings: String,
    version: i64,
}

/// The JSON part of a context.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct Settings {
    user_ranges: Vec<crate::model::context::NumberRange>,
    did_ranges: Vec<crate::model::context::NumberRange>,
    did_length: Option<u8>,
    number_lengths: Vec<u8>,
    includes: Vec<String>,
}

impl SqlContext {
    /// The row as one JSON object (name, label and kind with the settings),
    /// as a repair shows it and the form is filled from; the settings
    /// alone when they are not an object.
    fn as_stored(&self) -> String {
        match serde_json::from_str::<serde_json::Value>(&self.settings) {
            Ok(serde_json::Value::Object(mut fields)) => {
                fields.insert("name".into(), self.name.clone().into());
                fields.insert("label".into(), self.label.clone().into());
                fields.insert("kind".into(), self.kind.clone().into());
                serde_json::Value::Object(fields).to_string()
            }
            _ => self.settings.clone(),
        }
    }

    fn view(self) -> Result<ContextView, serde_json::Error> {
        let s: Settings = serde_json::from_str(&self.settings)?;
        let kind = ContextKind::parse(&self.kind).ok_or_else(|| {
            <serde_json::Error as serde::de::Error>::custom(format!("unknown kind {}", self.kind))
        })?;
        Ok(ContextView {
            version: self.version,
            context: Context {
                name: self.name,
                label: self.label,
                kind,
                user_ranges: s.user_ranges,
                did_ranges: s.did_ranges,
                did_length: s.did_length,
                number_lengths: s.number_lengths,
                includes: s.includes,
            },
        })
    }
}

fn settings(context: &Context) -> Result<String, serde_json::Error> {
    serde_json::to_string(&Settings {
        user_ranges: context.user_ranges.clone(),
        did_ranges: context.did_ranges.clone(),
        did_length: context.did_length,
        number_lengths: context.number_lengths.clone(),
        includes: context.includes.clone(),
    })
}

/// A store failure: the database, or a stored row the model cannot read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

const COLUMNS: &str = "name, label, kind, settings, version";

/// Every context that reads, and the repairs of those that do not (a
/// context written by hand or by an older release).
pub async fn list_readable(
    pool: &SqlitePool,
) -> Result<(Vec<ContextView>, Vec<crate::model::repair::Repair>), sqlx::Error> {
    let rows: Vec<SqlContext> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM contexts ORDER BY name"))
            .fetch_all(pool)
            .await?;
    let mut good = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    for row in rows {
        let (key, stored) = ((row.name.clone(), row.version), row.as_stored());
        match row.view() {
            Ok(view) => good.push(view),
            Err(error) => bad.push(crate::ssr::service::repair::of_json(
                crate::model::repair::RepairKind::Context,
                key,
                &stored,
                &error.to_string(),
            )),
        }
    }
    Ok((good, bad))
}

/// Every context that reads; the others are on the repair list.
pub async fn list_views(pool: &SqlitePool) -> Result<Vec<ContextView>, ReadError> {
    Ok(list_readable(pool).await?.0)
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Context>, ReadError> {
    Ok(list_views(pool)
        .await?
        .into_iter()
        .map(|v| v.context)
        .collect())
}

pub async fn get(
    conn: &mut SqliteConnection,
    name: &str,
) -> Result<Option<ContextView>, ReadError> {
    let row: Option<SqlContext> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM contexts WHERE name = ?"))
            .bind(name)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(SqlContext::view).transpose()?)
}

pub async fn insert(conn: &mut SqliteConnection, context: &Context) -> Result<(), ReadError> {
    sqlx::query("INSERT INTO contexts (name, label, kind, settings) VALUES (?, ?, ?, ?)")
        .bind(&context.name)
        .bind(&context.label)
        .bind(context.kind.as_str())
        .bind(settings(context)?)
        .execute(conn)
        .await?;
    Ok(())
}

/// Updates the label and settings if the row is still at `version`;
/// false when someone else saved first (or it is gone).
pub async fn update(
    conn: &mut SqliteConnection,
    context: &Context,
    version: i64,
) -> Result<bool, ReadError> {
    let done = sqlx::query(
        "UPDATE contexts SET label = ?, settings = ?, version = version + 1
         WHERE name = ? AND version = ?",
    )
    .bind(&context.label)
    .bind(settings(context)?)
    .bind(&context.name)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete(conn: &mut SqliteConnection, name: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM contexts WHERE name = ?")
        .bind(name)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Who refers to context `name`, in words ("trunk provider_username"),
/// so a refused delete can say what to change first.
pub async fn users_of(conn: &mut SqliteConnection, name: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT 'trunk ' || name FROM trunks WHERE context = ?1
         UNION ALL SELECT 'user ' || exten FROM users WHERE context = ?1
         UNION ALL SELECT 'outgoing call ' || name FROM outcalls WHERE context = ?1
         UNION ALL SELECT 'incoming call ' || did FROM incalls WHERE context = ?1",
    )
    .bind(name)
    .fetch_all(conn)
    .await
}
