"""The Python SDK against a real Bosun (run by crates/bosun-server/tests/sdk.rs).

BOSUN_URL and BOSUN_ADMIN_KEY name the server; PYTHONPATH holds sdk/python.
"""

import os
import sys

from bosun_client.api.tasks import submit_task
from bosun_client.helpers import Bosun, BosunError, ok
from bosun_client.models import SubmitTaskBody

url, key = os.environ["BOSUN_URL"], os.environ["BOSUN_ADMIN_KEY"]
admin = Bosun(url, key)

# Register an agent; it acts with its own key from now on.
worker = admin.register("py-worker", kind="python-sdk", capabilities=["python"])
assert worker.id and worker.key.startswith("bsn_"), worker.key

# Submit, then claim with a scope: the claim holds the scope's locks.
task = ok(submit_task.sync_detailed(client=admin.client, body=SubmitTaskBody(title="from python", project="sdk")))
claim = worker.claim(project="sdk", scope=["src/py/**"])
assert claim is not None and claim.task.id == task.id, claim
assert [lock.key for lock in claim.locks] == ["src/py/**"], claim.locks

# Someone else asking for a file in that scope gets a lock_conflict, with who holds it.
try:
    with admin.locks(["src/py/main.py"], project="sdk"):
        raise AssertionError("the lock was granted inside another holder's scope")
except BosunError as e:
    assert e.status == 409 and e.code == "lock_conflict", e
    assert e.problem.conflicts and e.problem.conflicts[0]["holder"] == "py-worker", e.problem.conflicts

# Heartbeat and complete with the fence.
worker.heartbeat(claim, lease_seconds=120)
done = worker.complete(claim, {"ok": True})
assert done.status == "succeeded", done.status

# Page through the audit log, two events a page.
events = list(admin.audit(page_size=2))
actions = [e["action"] for e in events]
assert "task.completed" in actions and "agent.registered" in actions, actions
assert len(events) > 4, len(events)
print(f"python sdk: ok ({len(events)} audit events paged)")
sys.exit(0)
