//! `/api/v1/needs_repair`: the stored rows the model cannot read. They are
//! left out of the lists and of what the engine runs on until they are
//! saved again (`PUT` on the row, with the version given here).

use app::model::repair::Repair;
use app::ssr::state::AppState;
use axum::extract::State;
use axum::Json;

pub async fn list(State(state): State<AppState>) -> Json<Vec<Repair>> {
    Json(app::ssr::service::config::repairs(&state.core))
}
