//! Queries for workflows: a tenant's templates (every version kept) and its runs.

use bosun_core::TenantId;

use crate::coord::{exec, one, parse_id, rows, ts, us};
use crate::db::{Db, Row, args};
use crate::{Result, WorkflowRun, WorkflowTemplate};

const TEMPLATE_COLUMNS: &str = "tenant_id, name, version, description, text, created_by, created_us";
const RUN_COLUMNS: &str =
    "tenant_id, id, template, version, project, text, params, state, status, created_by, created_us, updated_us";

fn template_row(r: &Row<'_>) -> Result<WorkflowTemplate> {
    Ok(WorkflowTemplate {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        name: r.get(1)?,
        version: u64::try_from(r.get::<i64>(2)?).unwrap_or_default(),
        description: r.get(3)?,
        text: r.get(4)?,
        created_by: r.get(5)?,
        created_at: ts(r, 6)?,
    })
}

fn run_row(r: &Row<'_>) -> Result<WorkflowRun> {
    Ok(WorkflowRun {
        tenant_id: parse_id(r, 0, TenantId::parse)?,
        id: r.get(1)?,
        template: r.get(2)?,
        version: u64::try_from(r.get::<i64>(3)?).unwrap_or_default(),
        project: r.get(4)?,
        text: r.get(5)?,
        params: r.get(6)?,
        state: r.get(7)?,
        status: r.get(8)?,
        created_by: r.get(9)?,
        created_at: ts(r, 10)?,
        updated_at: ts(r, 11)?,
    })
}

pub fn template(c: &Db<'_>, tenant: TenantId, name: &str, version: Option<u64>) -> Result<Option<WorkflowTemplate>> {
    let sql = format!(
        "SELECT {TEMPLATE_COLUMNS} FROM workflow_templates WHERE tenant_id = ?1 AND name = ?2
             AND (version = ?3 OR ?3 IS NULL) ORDER BY version DESC LIMIT 1"
    );
    one(c, &sql, args![tenant.to_string(), name, version], template_row)
}

pub fn templates(c: &Db<'_>, tenant: TenantId) -> Result<Vec<WorkflowTemplate>> {
    let sql = format!(
        "SELECT {TEMPLATE_COLUMNS} FROM workflow_templates t WHERE tenant_id = ?1
             AND version = (SELECT MAX(version) FROM workflow_templates l WHERE l.tenant_id = t.tenant_id AND l.name = t.name)
         ORDER BY name"
    );
    rows(c, &sql, args![tenant.to_string()], template_row)
}

pub fn insert_template(c: &Db<'_>, t: &WorkflowTemplate) -> Result<()> {
    exec(
        c,
        &format!("INSERT INTO workflow_templates ({TEMPLATE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        args![t.tenant_id.to_string(), t.name, t.version, t.description, t.text, t.created_by, us(t.created_at)],
    )?;
    Ok(())
}

pub fn run(c: &Db<'_>, tenant: TenantId, id: &str) -> Result<Option<WorkflowRun>> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM workflow_runs WHERE tenant_id = ?1 AND id = ?2");
    one(c, &sql, args![tenant.to_string(), id], run_row)
}

pub fn runs(
    c: &Db<'_>,
    tenant: TenantId,
    status: Option<&str>,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<WorkflowRun>> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM workflow_runs WHERE tenant_id = ?1 AND (status = ?2 OR ?2 IS NULL)
             AND (id < ?3 OR ?3 IS NULL) ORDER BY id DESC LIMIT ?4"
    );
    rows(c, &sql, args![tenant.to_string(), status, before, limit], run_row)
}

pub fn insert_run(c: &Db<'_>, r: &WorkflowRun) -> Result<()> {
    exec(
        c,
        &format!(
            "INSERT INTO workflow_runs ({RUN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        args![
            r.tenant_id.to_string(),
            r.id,
            r.template,
            r.version,
            r.project,
            r.text,
            r.params,
            r.state,
            r.status,
            r.created_by,
            us(r.created_at),
            us(r.updated_at)
        ],
    )?;
    Ok(())
}

pub fn update_run(c: &Db<'_>, r: &WorkflowRun) -> Result<()> {
    exec(
        c,
        "UPDATE workflow_runs SET state = ?3, status = ?4, updated_us = ?5 WHERE tenant_id = ?1 AND id = ?2",
        args![r.tenant_id.to_string(), r.id, r.state, r.status, us(r.updated_at)],
    )?;
    Ok(())
}
