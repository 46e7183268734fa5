"""platformctl's pure parts: positions, what a dead letter says, where it connects, its progress lines."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from platformctl.config import Connections
from platformctl.dlq import DeadLetter, Position
from platformctl.output import ProgressBar


@pytest.mark.parametrize("text", ["1", "a:1", "1:b", ":", "-1:3", "1:2:3", ""])
def test_a_position_is_partition_colon_offset(text: str) -> None:
    with pytest.raises(ValueError, match="partition:offset"):
        Position.parse(text)


def test_a_position_round_trips() -> None:
    assert str(Position.parse("2:41")) == "2:41"
    assert Position.parse("2:41") == Position(2, 41)


def letter(*headers: tuple[str, bytes], value: bytes = b'{"id": "ev-1", "type": "deal-approved"}') -> DeadLetter:
    return DeadLetter("deals.v1.dlq", 1, 7, datetime(2026, 12, 3, tzinfo=UTC), b"deal-1", value, headers)


def test_a_dead_letter_replays_with_its_own_headers_and_reports_its_latest_reason() -> None:
    dead = letter(
        ("traceparent", b"00-abc-def-01"),
        ("dlq-reason", b"first failure"),
        ("content-type", b"application/cloudevents+json"),
        ("dlq-reason", b"after a replay: still failing"),  # dead-lettered twice: the last reason counts
        ("dlq-consumer", b"pipeline"),
    )
    assert dead.original_headers() == [
        ("traceparent", b"00-abc-def-01"),
        ("content-type", b"application/cloudevents+json"),
    ]
    summary = dead.summary()
    assert summary["reason"] == "after a replay: still failing"
    assert (summary["event_id"], summary["event_type"], summary["consumer"]) == ("ev-1", "deal-approved", "pipeline")
    assert (summary["position"], summary["key"]) == ("1:7", "deal-1")


def test_an_unparseable_dead_letter_is_still_shown() -> None:
    dead = letter(value=b"\xff{not json")
    assert (dead.summary()["event_id"], dead.summary()["event_type"]) == (None, None)
    assert isinstance(dead.detail()["event"], str)


def test_databases_come_from_per_service_urls_else_the_shared_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db.example:5432/ignored")
    monkeypatch.setenv("PIPELINE_DATABASE_URL", "postgresql://pipe:x@pipe.example/pipeline_prod")
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", "staging.")
    conns = Connections.from_env()
    assert conns.dsn("dealreg") == "postgresql://u:p@db.example:5432/dealreg"
    assert conns.dsn("pipeline") == "postgresql://pipe:x@pipe.example/pipeline_prod"
    assert conns.sqlalchemy_url("pipeline") == "postgresql+asyncpg://pipe:x@pipe.example/pipeline_prod"
    assert conns.topic("deals.v1") == "staging.deals.v1"
    assert conns.topic("staging.deals.v1") == "staging.deals.v1"
    assert "p@" not in repr(conns)  # no password in a repr that might be logged


def test_progress_off_a_terminal_is_a_line_per_tenth() -> None:
    out = io.StringIO()
    bar = ProgressBar("reading", out=out, width=10)
    for done in range(0, 1001, 50):
        bar(done, 1000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 11  # 0 %, 10 %, ... 100 %
    assert lines[-1] == "reading [##########] 100%  1000/1000 offsets"
