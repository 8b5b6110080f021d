-- Retention prunes by age: the egress log and settled webhook deliveries by when they were written.
CREATE INDEX egress_log_by_time ON egress_log (tenant_id, at);
CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (tenant_id, updated_at) WHERE status <> 'pending';
