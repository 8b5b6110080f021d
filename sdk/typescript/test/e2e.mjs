// The TypeScript SDK against a real Bosun (run by crates/bosun-server/tests/sdk.rs after `tsc`).
// BOSUN_URL and BOSUN_ADMIN_KEY name the server.
import assert from "node:assert/strict";
import { Bosun, BosunError, ok } from "../dist/index.js";

const admin = new Bosun(process.env.BOSUN_URL, process.env.BOSUN_ADMIN_KEY);

// Register an agent; it acts with its own key from now on.
const worker = await admin.register("ts-worker", { kind: "typescript-sdk", capabilities: ["ts"] });
assert.ok(worker.key.startsWith("bsn_"));

// Submit, then claim with a scope: the claim holds the scope's locks.
const task = ok(await admin.client.POST("/api/v1/tasks", { body: { title: "from typescript", project: "sdk-ts" } }));
const claim = await worker.claim({ project: "sdk-ts", scope: ["src/ts/**"] });
assert.ok(claim);
assert.equal(claim.task.id, task.id);
assert.deepEqual(claim.locks.map((l) => l.key), ["src/ts/**"]);

// Someone else asking for a file in that scope gets a lock_conflict, with who holds it.
await assert.rejects(
  admin.withLocks(["src/ts/index.ts"], async () => assert.fail("granted inside another holder's scope"), {
    project: "sdk-ts",
  }),
  (e) => {
    assert.ok(e instanceof BosunError, String(e));
    assert.equal(e.status, 409);
    assert.equal(e.code, "lock_conflict");
    assert.equal(e.problem.conflicts[0].holder, "ts-worker");
    return true;
  },
);

// Heartbeat and complete with the fence.
await worker.heartbeat(claim, 120);
const done = await worker.complete(claim, { ok: true });
assert.equal(done.status, "succeeded");

// Page through the audit log, two events a page.
const actions = [];
for await (const event of admin.audit({}, 2)) actions.push(event.action);
assert.ok(actions.includes("task.completed") && actions.includes("agent.registered"), actions.join());
assert.ok(actions.length > 4);
console.log(`typescript sdk: ok (${actions.length} audit events paged)`);
