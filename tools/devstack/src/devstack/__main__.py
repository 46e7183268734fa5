"""python -m devstack run | token ROLE [key=value ...] | setup

run    bootstrap infrastructure, migrate, create topics, start and supervise the four
       services, print their URLs and a dev admin token; Ctrl-C / SIGTERM stops all.
token  print a development JWT, e.g. `token partner partner_id=p-100 sub=rep-7`.
setup  infrastructure, databases, migrations and topics only (used by make test).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from typing import Any

from devstack.infra import (
    ROOT,
    SERVICES,
    _script,
    create_databases,
    create_topics,
    ensure_infra,
    kafka_home,
    migrate,
    sasl_port,
)
from devstack.processes import Stack
from devstack.tokens import dev_token


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def setup() -> tuple[Stack, list[str]]:
    import os

    started: list[str] = []
    if not os.environ.get("DATABASE_URL") and not _listening(int(os.environ.get("PGPORT", "55432"))):
        started.append("postgres.sh")
    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and not _listening(
        sasl_port(int(os.environ.get("KAFKA_PORT", "9092")))
    ):
        started.append("kafka.sh")
    infra = ensure_infra()
    databases = {s: s for s in SERVICES}
    asyncio.run(create_databases(infra, list(databases.values())))
    for service in SERVICES:
        migrate(service, infra.database_url(databases[service]))
    asyncio.run(create_topics(infra))
    return Stack(infra=infra, databases=databases, log_dir=ROOT / ".cache" / "logs"), started


def run() -> None:
    stack, started_infra = setup()
    stack.start()
    try:
        stack.wait_ready(90)
    except RuntimeError as exc:
        print(f"make run: {exc}", file=sys.stderr)
        stack.stop()
        sys.exit(1)
    admin = dev_token("admin", sub="dev-admin")
    print("\nThe channel platform is running:\n")
    for name, proc in stack.services.items():
        print(f"  {name:<14} {proc.url}   (docs: {proc.url}/docs, logs: {proc.log_path})")
    print(f"\n  dashboard      {stack.services['pipeline'].url}/dashboard   (paste a vendor or admin token)")
    print(f"\n  Kafka          {stack.infra.kafka_bootstrap}", end="")
    if stack.infra.kafka_readonly_bootstrap:
        # The services' and admin's passwords: kafka.sh writes a client config for the CLI tools.
        print(f" (SASL/SCRAM-SHA-512, admin: {kafka_home() / 'admin-client.properties'})")
        print(f"                 {stack.infra.kafka_readonly_bootstrap} (read-only, no login: local tools)", end="")
    print()
    print(f"  PostgreSQL     {stack.infra.server_url.split('@')[-1]}")
    print(f"\nDev admin token (12 h):\n  export TOKEN={admin}\n")
    print("More tokens: make token ROLE=partner CLAIMS='partner_id=p-100 sub=rep-7'")
    print("Ctrl-C stops everything.\n", flush=True)

    loop = asyncio.new_event_loop()
    supervisor = loop.create_task(stack.supervise())
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, supervisor.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        loop.run_until_complete(supervisor)
    print("\nstopping services...", flush=True)
    stack.stop()
    for script in started_infra:
        _script(script, "stop")
    print("stopped.")


def token(args: list[str]) -> None:
    if not args:
        print("usage: python -m devstack token ROLE [key=value ...]", file=sys.stderr)
        sys.exit(2)
    claims: dict[str, Any] = {}
    for pair in args[1:]:
        key, _, value = pair.partition("=")
        claims[key] = value.split(",") if key == "partner_ids" else value
    sub = claims.pop("sub", None)
    print(dev_token(args[0], sub=str(sub) if sub else None, **claims))


def main() -> None:
    command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("run", [])
    if command == "run":
        run()
    elif command == "token":
        token(rest)
    elif command == "setup":
        setup()
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
