"""The four services as separate uvicorn processes, supervised: a dead one is restarted (with backoff)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devstack.backoff import RestartBackoff
from devstack.infra import PORTS, SERVICES, Infra


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0  # time.monotonic() of the last start

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.name, "serve"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.started_at = time.monotonic()

    def log_tail(self, lines: int = 15) -> str:
        try:
            with self.log_path.open("rb") as f:
                f.seek(max(0, self.log_path.stat().st_size - 64 * 1024))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)

    def stop(self, timeout: float = 10) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Stack:
    """The four services for one set of databases and topics."""

    infra: Infra
    databases: dict[str, str]  # service -> database name
    log_dir: Path
    topic_prefix: str = ""
    ports: dict[str, int] = field(default_factory=lambda: dict(PORTS))
    extra_env: dict[str, str] = field(default_factory=dict)
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    def env_for(self, name: str) -> dict[str, str]:
        env = dict(os.environ)
        # A stack on one machine is a developer's (make run, the e2e and reliability suites, bench):
        # the development secret is allowed, and every caller is the developer, so the per-role
        # production limits (which bench and schemathesis would exceed) give way to one generous one.
        env.setdefault("ENVIRONMENT", "development")
        env.setdefault("RATE_LIMIT_PER_MINUTE", "60000")
        env.setdefault("RATE_LIMIT_BURST", "1000")
        env.update(
            {
                "DATABASE_URL": self.infra.database_url(self.databases[name]),
                "KAFKA_BOOTSTRAP_SERVERS": self.infra.kafka_bootstrap,
                "KAFKA_TOPIC_PREFIX": self.topic_prefix,
                "PORT": str(self.ports[name]),
                "HOST": "127.0.0.1",
                "DASHBOARD_ORIGIN": f"http://127.0.0.1:{self.ports['pipeline']}",
                "INCENTIVES_PUBLIC_URL": f"http://127.0.0.1:{self.ports['incentives']}",
            }
        )
        # Each service authenticates as itself: the broker lets it write only its own topics.
        env.update(self.infra.kafka_env(name))
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in SERVICES:
            proc = ServiceProcess(name, self.ports[name], self.env_for(name), self.log_dir / f"{name}.log")
            proc.start()
            self.services[name] = proc

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        pending = set(self.services)
        while pending and time.monotonic() < deadline:
            for name in list(pending):
                proc = self.services[name]
                if not proc.alive():
                    raise RuntimeError(f"{name} exited during start-up; see {proc.log_path}")
                try:
                    if httpx.get(f"{proc.url}/readyz", timeout=1).status_code == 200:
                        pending.discard(name)
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
        if pending:
            raise RuntimeError(f"not ready after {timeout:.0f} s: {', '.join(sorted(pending))}")

    def restart_dead(self) -> list[str]:
        """Restart every service whose process has died; returns their names."""
        restarted = []
        for name, proc in self.services.items():
            if not proc.alive():
                proc.restarts += 1
                proc.start()
                restarted.append(name)
        return restarted

    async def supervise(self, interval: float = 0.5) -> None:
        """Restart dead services, each after its backoff delay (doubling up to 30 s, see backoff.py)."""
        policies = {name: RestartBackoff(name) for name in self.services}
        for name, proc in self.services.items():
            policies[name].started(proc.started_at)
        due: dict[str, float] = {}  # service -> when to start it again
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for name, proc in self.services.items():
                if proc.alive():
                    continue
                if name not in due:
                    code = proc.process.returncode if proc.process is not None else None
                    restart = policies[name].died(now)
                    due[name] = now + restart.delay
                    print(
                        f"supervisor: {name} exited (code {code}) after {now - proc.started_at:.1f} s;"
                        f" restarting in {restart.delay:.0f} s",
                        flush=True,
                    )
                    if restart.keeps_dying:
                        print(
                            f"supervisor: {restart.keeps_dying}; last lines of its log ({proc.log_path}):\n"
                            f"{proc.log_tail()}",
                            flush=True,
                        )
                elif now >= due[name]:
                    del due[name]
                    proc.restarts += 1
                    proc.start()
                    policies[name].started(proc.started_at)

    def stop(self) -> None:
        for proc in self.services.values():
            proc.stop()
