//! Workflows: template versions (the latest by default, every one kept) and runs.

use std::sync::Arc;

use bosun_core::Timestamp;

use super::new_tenant;
use crate::{Store, StoreError, WorkflowRun, WorkflowTemplate};

fn at(secs: i64) -> Timestamp {
    "2026-01-01T00:00:00Z".parse::<Timestamp>().unwrap() + jiff::SignedDuration::from_secs(secs)
}

pub async fn templates_are_versioned_and_runs_are_kept(store: &Arc<dyn Store>) {
    let tenant = new_tenant(store, "workflows").await;
    let other = new_tenant(store, "workflows-other").await;
    let template = |name: &str, version: u64, text: &str| WorkflowTemplate {
        tenant_id: tenant,
        name: name.into(),
        version,
        description: format!("{name} v{version}"),
        text: text.into(),
        created_by: "ada".into(),
        created_at: at(version as i64),
    };
    let (a1, a2, b1) = (template("alpha", 1, "one"), template("alpha", 2, "two"), template("beta", 1, "b"));
    let (x, y, z) = (a1.clone(), a2.clone(), b1.clone());
    store
        .write(move |w| {
            w.insert_workflow_template(&x)?;
            w.insert_workflow_template(&y)?;
            w.insert_workflow_template(&z)
        })
        .await
        .unwrap();
    let again = a2.clone();
    let dup = store.write(move |w| w.insert_workflow_template(&again)).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "a version is written once: {dup:?}");
    let (latest, first, missing, all, elsewhere) = store
        .read(move |r| {
            Ok::<_, StoreError>((
                r.workflow_template(tenant, "alpha", None)?,
                r.workflow_template(tenant, "alpha", Some(1))?,
                r.workflow_template(tenant, "alpha", Some(3))?,
                r.workflow_templates(tenant)?,
                r.workflow_templates(other)?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(latest, Some(a2.clone()));
    assert_eq!(first, Some(a1));
    assert_eq!(missing, None);
    assert_eq!(all, vec![a2, b1], "the latest of each, by name");
    assert!(elsewhere.is_empty());

    let run = |id: &str, status: &str| WorkflowRun {
        tenant_id: tenant,
        id: id.into(),
        template: "alpha".into(),
        version: 2,
        project: "web".into(),
        text: "two".into(),
        params: r#"{"x":1}"#.into(),
        state: "{}".into(),
        status: status.into(),
        created_by: "ada".into(),
        created_at: at(10),
        updated_at: at(10),
    };
    let (r1, r2, r3) = (run("01A", "running"), run("01B", "succeeded"), run("01C", "running"));
    let (x, y, z) = (r1.clone(), r2.clone(), r3.clone());
    store
        .write(move |w| {
            w.insert_workflow_run(&x)?;
            w.insert_workflow_run(&y)?;
            w.insert_workflow_run(&z)
        })
        .await
        .unwrap();
    let mut advanced = r1.clone();
    advanced.state = r#"{"steps":{}}"#.into();
    advanced.status = "failed".into();
    advanced.updated_at = at(20);
    let a = advanced.clone();
    store.write(move |w| w.update_workflow_run(&a)).await.unwrap();
    let (got, none, newest, running, page, foreign) = store
        .read(move |r| {
            Ok::<_, StoreError>((
                r.workflow_run(tenant, "01A")?,
                r.workflow_run(tenant, "01Z")?,
                r.workflow_runs(tenant, None, None, 10)?,
                r.workflow_runs(tenant, Some("running"), None, 10)?,
                r.workflow_runs(tenant, None, Some("01C"), 1)?,
                r.workflow_run(other, "01A")?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(got, Some(advanced));
    assert_eq!(none, None);
    let ids = |v: &[WorkflowRun]| v.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&newest), ["01C", "01B", "01A"]);
    assert_eq!(ids(&running), ["01C"]);
    assert_eq!(ids(&page), ["01B"]);
    assert_eq!(foreign, None, "another tenant's run is not found");
}
