// Bosun's TypeScript client: the types in `schema.ts` are generated from the OpenAPI document
// (`scripts/sdk.sh`; never edit that file), the calls are `openapi-fetch`, and this file holds
// thin helpers for the common flows. The full API is `bosun.client.GET/POST/PUT/DELETE(path, …)`.
//
//   const admin = new Bosun("http://127.0.0.1:7311", adminKey);
//   const me = await admin.register("worker-1", { capabilities: ["rust"] });
//   for await (const task of me.work(async (t) => ({ ok: true }), { project: "web" })) { … }

import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, paths };
export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Claim = Schemas["ClaimView"];

/** An answer with a problem document: `code` is Bosun's stable code (`lock_conflict`,
 * `stale_fence`, `overloaded`, …), `detail` says what to do, `problem` is all of it. */
export class BosunError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(`${status} ${problem.code}: ${problem.detail}`);
    this.status = status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.problem = problem;
  }
}

/** The data of a successful call, or a `BosunError`. */
export function ok<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.error !== undefined || !answer.response.ok) {
    const problem = answer.error as Problem | undefined;
    if (problem && typeof problem === "object" && "code" in problem) {
      throw new BosunError(answer.response.status, problem);
    }
    throw new Error(`unexpected answer ${answer.response.status}`);
  }
  return answer.data as T;
}

export interface LockOptions {
  project?: string;
  ttlSeconds?: number;
  reason?: string;
}

/** One API key against one server. */
export class Bosun {
  readonly client: Client<paths>;

  constructor(
    readonly url: string,
    readonly key: string,
  ) {
    this.client = createClient<paths>({ baseUrl: url, headers: { Authorization: `Bearer ${key}` } });
  }

  /** Register an agent (with a user's or an enrolment key); returns it, acting as itself. */
  async register(
    name: string,
    opts: { kind?: string; capabilities?: string[]; heartbeatIntervalSeconds?: number } = {},
  ): Promise<Agent> {
    const body = {
      name,
      kind: opts.kind ?? "script",
      capabilities: opts.capabilities ?? [],
      heartbeat_interval_seconds: opts.heartbeatIntervalSeconds ?? 30,
    };
    const registered = ok(await this.client.POST("/api/v1/agents", { body }));
    if (!registered.key.key) throw new Error("the server did not return the new agent's key");
    return new Agent(this.url, registered.key.key, registered.agent.id);
  }

  /** Hold locks on `paths` while `fn` runs; a conflict throws `BosunError` with
   * `code === "lock_conflict"` (`problem.conflicts` says who holds what). */
  async withLocks<T>(paths: string[], fn: (locks: Schemas["LockView"][]) => Promise<T>, opts: LockOptions = {}) {
    const body = { paths, project: opts.project ?? "default", ttl_seconds: opts.ttlSeconds ?? 300, reason: opts.reason };
    const held = ok(await this.client.POST("/api/v1/locks", { body })).locks;
    try {
      return await fn(held);
    } finally {
      for (const lock of held) {
        await this.client.DELETE("/api/v1/locks/{id}", { params: { path: { id: lock.id } } });
      }
    }
  }

  /** Every audit event matching `filters`, newest first, fetched page by page. */
  async *audit(
    filters: { actor?: string; action?: string; target?: string; project?: string } = {},
    pageSize = 100,
  ): AsyncGenerator<Schemas["AuditPage"]["items"][number]> {
    let cursor: number | undefined;
    for (;;) {
      const query = { ...filters, limit: pageSize, cursor };
      const page = ok(await this.client.GET("/api/v1/audit", { params: { query } }));
      yield* page.items;
      if (typeof page.next_cursor !== "number") return;
      cursor = page.next_cursor;
    }
  }
}

/** An agent's key: claims work, heartbeats its lease, reads its inbox. */
export class Agent extends Bosun {
  constructor(
    url: string,
    key: string,
    readonly id: string,
  ) {
    super(url, key);
  }

  /** The claimed task (`task`, `fence`, `locks`), or `null` when nothing is ready. */
  async claim(
    opts: { project?: string; scope?: string[]; leaseSeconds?: number; waitSeconds?: number } = {},
  ): Promise<Claim | null> {
    const body = {
      project: opts.project ?? "default",
      scope: opts.scope ?? [],
      lease_seconds: opts.leaseSeconds ?? 300,
      wait_seconds: opts.waitSeconds ?? 0,
    };
    const answer = await this.client.POST("/api/v1/tasks/claim", { body });
    if (answer.response.status === 204) return null;
    return ok(answer);
  }

  async complete(claim: Claim, result: unknown = null) {
    const params = { path: { id: claim.task.id } };
    return ok(await this.client.POST("/api/v1/tasks/{id}/complete", { params, body: { fence: claim.fence, result } }));
  }

  async fail(claim: Claim, error: string, retryable = true) {
    const params = { path: { id: claim.task.id } };
    const body = { fence: claim.fence, error, retryable };
    return ok(await this.client.POST("/api/v1/tasks/{id}/fail", { params, body }));
  }

  async heartbeat(claim: Claim, leaseSeconds = 300) {
    const params = { path: { id: claim.task.id } };
    const body = { fence: claim.fence, lease_seconds: leaseSeconds };
    return ok(await this.client.POST("/api/v1/tasks/{id}/heartbeat", { params, body }));
  }

  /** Claim, run `handler(task)` while its lease is heartbeated every third of it, complete with
   * its result (or fail with its error), and go on; yields each finished task. */
  async *work(
    handler: (task: Schemas["TaskView"]) => Promise<unknown>,
    opts: { project?: string; scope?: string[]; leaseSeconds?: number; waitSeconds?: number; once?: boolean } = {},
  ): AsyncGenerator<Schemas["TaskView"]> {
    const leaseSeconds = opts.leaseSeconds ?? 300;
    for (;;) {
      const claim = await this.claim({ ...opts, leaseSeconds, waitSeconds: opts.waitSeconds ?? 20 });
      if (claim) {
        const beat = setInterval(() => void this.heartbeat(claim, leaseSeconds).catch(() => {}), (leaseSeconds * 1000) / 3);
        try {
          const result = await handler(claim.task);
          clearInterval(beat);
          yield await this.complete(claim, result);
        } catch (e) {
          clearInterval(beat);
          yield await this.fail(claim, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        }
      }
      if (opts.once) return;
    }
  }

  /** Messages as they arrive (long poll), oldest first, forever. */
  async *inbox(waitSeconds = 30): AsyncGenerator<Schemas["InboxItem"]> {
    let since: string | undefined;
    for (;;) {
      const page = ok(await this.client.GET("/api/v1/inbox", { params: { query: { wait_seconds: waitSeconds, since } } }));
      for (const item of page.messages) {
        yield item;
        since = item.id;
      }
    }
  }
}
