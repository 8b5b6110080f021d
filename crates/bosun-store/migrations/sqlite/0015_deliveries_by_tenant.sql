-- Due deliveries are read per tenant (every store read names its tenant).
DROP INDEX webhook_deliveries_due;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (tenant_id, next_us) WHERE status = 'pending';
