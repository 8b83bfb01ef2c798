//! Dial-plan contexts.

use crate::model::{Context, ContextKind};
use sqlx::SqlitePool;

#[derive(Debug, Clone, sqlx::FromRow)]
struct SqlContext {
    name: String,
    label: String,
    kind: String,
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Context>, sqlx::Error> {
    let rows: Vec<SqlContext> =
        sqlx::query_as("SELECT name, label, kind FROM contexts ORDER BY name")
            .fetch_all(pool)
            .await?;
    // The CHECK constraint keeps `kind` to the three known values.
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Context {
                kind: ContextKind::parse(&r.kind)?,
                name: r.name,
                label: r.label,
            })
        })
        .collect())
}
