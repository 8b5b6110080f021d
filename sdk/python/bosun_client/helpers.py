"""Hand-written helpers over the generated client, for the common flows.

Hand-written, beside the generated modules; ``scripts/sdk.sh`` keeps this file when it
regenerates the rest of the package.

    from bosun_client.helpers import Bosun

    admin = Bosun("http://127.0.0.1:7311", admin_key)
    me = admin.register("worker-1", kind="script", capabilities=["rust"])
    for task in me.work(lambda t: {"ok": True}, project="web", scope=["src/**"]):
        print("done", task.id)
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

from .api.agents import register_agent
from .api.audit import query_audit
from .api.locks import acquire_locks, release_lock
from .api.messages import inbox as inbox_api
from .api.tasks import claim_task, complete_task, fail_task, task_heartbeat
from .client import AuthenticatedClient
from .models import (
    ClaimBody,
    CompleteBody,
    FailBody,
    LocksBody,
    Problem,
    RegisterAgentBody,
    TaskHeartbeatBody,
)
from .types import UNSET, Response


class BosunError(Exception):
    """An answer with a problem document: ``code`` is Bosun's stable code (``lock_conflict``,
    ``stale_fence``, ``overloaded``, …), ``detail`` says what to do, ``problem`` is all of it."""

    def __init__(self, status: int, problem: Problem):
        self.status = status
        self.code = problem.code
        self.detail = problem.detail
        self.problem = problem
        super().__init__(f"{status} {self.code}: {self.detail}")


def ok(response: Response) -> Any:
    """The parsed answer of a successful call, or a ``BosunError``."""
    if isinstance(response.parsed, Problem):
        raise BosunError(int(response.status_code), response.parsed)
    if int(response.status_code) >= 400:
        raise RuntimeError(f"unexpected answer {int(response.status_code)}: {response.content[:200]!r}")
    return response.parsed


class Bosun:
    """One API key against one server."""

    def __init__(self, url: str, key: str, *, timeout: float = 70.0):
        self.url = url
        self.client = AuthenticatedClient(base_url=url, token=key, timeout=timeout)

    def register(self, name: str, *, kind: str = "script", capabilities: list[str] | None = None,
                 heartbeat_interval_seconds: int = 30) -> "Agent":
        """Register an agent (with a user's or an enrolment key); returns it, acting as itself."""
        body = RegisterAgentBody(name=name, kind=kind, capabilities=capabilities or [],
                                 heartbeat_interval_seconds=heartbeat_interval_seconds)
        registered = ok(register_agent.sync_detailed(client=self.client, body=body))
        return Agent(self.url, registered.key.key, registered.agent.id)

    @contextlib.contextmanager
    def locks(self, paths: list[str], *, project: str = "default", ttl_seconds: int = 300,
              reason: str | None = None) -> Iterator[list[Any]]:
        """Hold locks on ``paths`` for the ``with`` block; a conflict raises ``BosunError``
        (``code == "lock_conflict"``, ``problem.conflicts`` says who holds what)."""
        body = LocksBody(paths=paths, project=project, ttl_seconds=ttl_seconds,
                         reason=reason if reason is not None else UNSET)
        held = ok(acquire_locks.sync_detailed(client=self.client, body=body)).locks
        try:
            yield held
        finally:
            for lock in held:
                release_lock.sync_detailed(lock.id, client=self.client)

    def audit(self, *, page_size: int = 100, **filters: Any) -> Iterator[Any]:
        """Every audit event matching ``filters`` (``actor``, ``action``, ``target``, …), newest
        first, fetched page by page."""
        cursor = UNSET
        while True:
            page = ok(query_audit.sync_detailed(client=self.client, limit=page_size, cursor=cursor, **filters))
            yield from page.items
            if not isinstance(page.next_cursor, int):
                return
            cursor = page.next_cursor


class Agent(Bosun):
    """An agent's key: claims work, heartbeats its lease, reads its inbox."""

    def __init__(self, url: str, key: str, agent_id: str):
        super().__init__(url, key)
        self.key = key
        self.id = agent_id

    def claim(self, *, project: str = "default", scope: list[str] | None = None, lease_seconds: int = 300,
              wait_seconds: int = 0) -> Any | None:
        """The claimed task (``.task``, ``.fence``, ``.locks``), or ``None`` when nothing is ready."""
        body = ClaimBody(project=project, scope=scope or [], lease_seconds=lease_seconds,
                         wait_seconds=wait_seconds)
        response = claim_task.sync_detailed(client=self.client, body=body)
        if int(response.status_code) == 204:
            return None
        return ok(response)

    def complete(self, claim: Any, result: Any = None) -> Any:
        body = CompleteBody(fence=claim.fence, result=result)
        return ok(complete_task.sync_detailed(claim.task.id, client=self.client, body=body))

    def fail(self, claim: Any, error: str, *, retryable: bool = True) -> Any:
        body = FailBody(fence=claim.fence, error=error, retryable=retryable)
        return ok(fail_task.sync_detailed(claim.task.id, client=self.client, body=body))

    def heartbeat(self, claim: Any, *, lease_seconds: int = 300) -> Any:
        body = TaskHeartbeatBody(fence=claim.fence, lease_seconds=lease_seconds)
        return ok(task_heartbeat.sync_detailed(claim.task.id, client=self.client, body=body))

    def work(self, handler: Callable[[Any], Any], *, project: str = "default", scope: list[str] | None = None,
             lease_seconds: int = 300, wait_seconds: int = 20, once: bool = False) -> Iterator[Any]:
        """Claim, run ``handler(task)`` while a thread heartbeats the lease every third of it,
        complete with its return value (or fail with its exception), and go on; yields each
        finished task. ``once`` stops after the first claim attempt."""
        while True:
            claim = self.claim(project=project, scope=scope, lease_seconds=lease_seconds,
                               wait_seconds=wait_seconds)
            if claim is None:
                if once:
                    return
                continue
            stop = threading.Event()

            def beat() -> None:
                while not stop.wait(lease_seconds / 3):
                    self.heartbeat(claim, lease_seconds=lease_seconds)

            beater = threading.Thread(target=beat, daemon=True)
            beater.start()
            try:
                result = handler(claim.task)
            except Exception as e:  # the task failed; the loop goes on
                stop.set()
                beater.join()
                yield self.fail(claim, f"{type(e).__name__}: {e}")
            else:
                stop.set()
                beater.join()
                yield self.complete(claim, result)
            if once:
                return

    def inbox(self, *, wait_seconds: int = 30) -> Iterator[Any]:
        """Messages as they arrive (long poll), oldest first, forever."""
        since = UNSET
        while True:
            page = ok(inbox_api.sync_detailed(client=self.client, wait_seconds=wait_seconds, since=since))
            for item in page.messages:
                yield item
                since = item.id
