//! The HTML document and the route table.

use crate::components::layout::Layout;
use crate::pages::calls::CallsPage;
use crate::pages::nat::NatPage;
use crate::pages::security::SecurityPage;
use crate::pages::{
    context_edit::ContextEdit, contexts::ContextList, user_edit::UserEdit, users::UserList,
};
use crate::pages::{
    home::HomePage, login::LoginPage, not_found::NotFound, registry::RegistryPage,
    trunk_edit::TrunkEdit, trunks::TrunkList,
};
use crate::pages::{
    incall_edit::IncallEdit, incalls::IncallList, outcall_edit::OutcallEdit, outcalls::OutcallList,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The document the server renders around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::components::posted::provide_page_forms();
    // Tests and scripts wait for this mark before they type: until the
    // bundle has hydrated, the forms are inert.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Trunkline".to_owned() } else { format!("{page} · Trunkline") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("ipbx/users") view=UserList/>
                    <Route path=path!("ipbx/users/new") view=UserEdit/>
                    <Route path=path!("ipbx/users/edit/:id") view=UserEdit/>
                    <Route path=path!("ipbx/contexts") view=ContextList/>
                    <Route path=path!("ipbx/contexts/new") view=ContextEdit/>
                    <Route path=path!("ipbx/contexts/edit/:name") view=ContextEdit/>
                    <Route path=path!("ipbx/outcalls") view=OutcallList/>
                    <Route path=path!("ipbx/outcalls/new") view=OutcallEdit/>
                    <Route path=path!("ipbx/outcalls/edit/:id") view=OutcallEdit/>
                    <Route path=path!("ipbx/incalls") view=IncallList/>
                    <Route path=path!("ipbx/incalls/new") view=IncallEdit/>
                    <Route path=path!("ipbx/incalls/edit/:id") view=IncallEdit/>
                    <Route path=path!("ipbx/trunks") view=TrunkList/>
                    <Route path=path!("ipbx/trunks/new") view=TrunkEdit/>
                    <Route path=path!("ipbx/trunks/edit/:id") view=TrunkEdit/>
                    <Route path=path!("ipbx/security") view=SecurityPage/>
                    <Route path=path!("ipbx/nat") view=NatPage/>
                    <Route path=path!("status/registry") view=RegistryPage/>
                    <Route path=path!("status/calls") view=CallsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
