"""`python -m platformctl ...`: the ops command line (see README, "Operations").

    dlq list <topic> [--limit N] [--after P:O]   the dead letters of <topic>.dlq, a page at a time
    dlq show <topic> P:O                          one dead letter: reason, headers, the event
    dlq replay <topic> (P:O ... | --all) [--consumer NAME] [--operator WHO]
                                                  re-publish to <topic> with the original key and headers
    pipeline rebuild                              rebuild pipeline's read model from Kafka (progress on stderr)
    outbox status [--service S]                   per service: unsent events, the oldest one's age
    consumer lag [--group TEXT]                   per group and partition: committed, end, lag

`--json` (before the command) prints JSON instead of tables. Exit status: 0 done, 1 a failure
(unreachable database or broker, no such record), 2 a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys

from platformctl import dlq, lag, outbox
from platformctl.config import SERVICES, Connections
from platformctl.output import ProgressBar, emit

DLQ_COLUMNS = ("position", "dead_lettered_at", "consumer", "event_type", "event_id", "key", "reason")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m platformctl", description="Operate the channel platform.")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    sub = p.add_subparsers(dest="area", required=True)

    d = sub.add_parser("dlq", help="dead-letter topics").add_subparsers(dest="command", required=True)
    ls = d.add_parser("list", help="list the dead letters of <topic>.dlq")
    ls.add_argument("topic", help="the original topic, say deals.v1 (KAFKA_TOPIC_PREFIX applies)")
    ls.add_argument("--limit", type=_positive, default=50, help="at most this many (default 50)")
    ls.add_argument("--after", type=_position, help="the page after this partition:offset")
    show = d.add_parser("show", help="one dead letter in full")
    show.add_argument("topic")
    show.add_argument("position", type=_position, help="partition:offset in <topic>.dlq")
    rp = d.add_parser("replay", help="re-publish dead letters to <topic> (safe to repeat)")
    rp.add_argument("topic")
    rp.add_argument("positions", nargs="*", type=_position, help="partition:offset in <topic>.dlq")
    rp.add_argument("--all", action="store_true", help="every dead letter of the topic")
    rp.add_argument("--consumer", help="with --all: only those this consumer dead-lettered")
    rp.add_argument("--operator", help="who replays, for the audit line (default: PLATFORMCTL_OPERATOR, $USER)")

    pl = sub.add_parser("pipeline", help="pipeline's read model").add_subparsers(dest="command", required=True)
    pl.add_parser("rebuild", help="rebuild the deal read model from deals.v1 and partners.v1")

    ob = sub.add_parser("outbox", help="the services' outboxes").add_subparsers(dest="command", required=True)
    st = ob.add_parser("status", help="unsent events per service and the oldest one's age")
    st.add_argument("--service", choices=SERVICES, action="append", help="only this service (repeatable)")

    cg = sub.add_parser("consumer", help="consumer groups").add_subparsers(dest="command", required=True)
    lg = cg.add_parser("lag", help="committed offsets against the partitions' ends")
    lg.add_argument("--group", help="only groups whose name contains this")
    return p


def _position(text: str) -> dlq.Position:
    try:
        return dlq.Position.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


async def run(args: argparse.Namespace, conns: Connections) -> int:
    as_json: bool = args.json
    match (args.area, args.command):
        case ("dlq", "list"):
            page = await dlq.list_page(conns, args.topic, limit=args.limit, after=args.after)
            rows = [letter.summary() for letter in page.items]
            after = str(page.next_after) if page.next_after else None
            if as_json:
                emit({"items": rows, "next_after": after}, as_json=True)
            else:
                emit(rows, as_json=False, columns=DLQ_COLUMNS)
                print(f"more: --after {after}" if after else f"{len(rows)} dead letter(s), no more")
        case ("dlq", "show"):
            (letter,) = await dlq.fetch(conns, args.topic, [args.position])
            emit(letter.detail(), as_json=True)  # nested headers and event: JSON reads best either way
        case ("dlq", "replay"):
            return await _replay(args, conns)
        case ("pipeline", "rebuild"):
            return await _rebuild(conns, as_json)
        case ("outbox", "status"):
            rows = await outbox.status(conns, args.service or list(SERVICES))
            emit(rows, as_json=as_json, columns=("service", "unsent", "oldest_unsent_age_seconds", "error"))
            return 1 if any(r["error"] for r in rows) else 0
        case ("consumer", "lag"):
            rows = await lag.consumer_lag(conns, args.group)
            emit(rows, as_json=as_json, columns=("group", "topic", "partition", "committed", "end", "lag"))
    return 0


async def _replay(args: argparse.Namespace, conns: Connections) -> int:
    if bool(args.positions) == bool(args.all):
        print("name the records (partition:offset ...) or --all", file=sys.stderr)
        return 2
    if args.consumer and not args.all:
        print("--consumer goes with --all", file=sys.stderr)
        return 2
    if args.all:
        letters = await dlq.read_all(conns, args.topic)
        if args.consumer:
            letters = [x for x in letters if x.header("dlq-consumer") == args.consumer]
    else:
        letters = await dlq.fetch(conns, args.topic, args.positions)
    entries = await dlq.replay(conns, args.topic, letters, args.operator or dlq.operator_name())
    if args.json:
        emit(entries, as_json=True)
    else:
        for e in entries:
            print(
                f"replayed {e['dlq_topic']} {e['dlq_position']} -> {e['topic']} {e['position']} "
                f"(event {e['event_id']} {e['event_type']}) by {e['operator']} at {e['at']}"
            )
        print(f"{len(entries)} record(s) replayed")
    return 0


async def _rebuild(conns: Connections, as_json: bool) -> int:
    # pipeline's own code, with its settings from the environment and its database resolved like the others'.
    from pipeline.config import Settings
    from pipeline.rebuild import rebuild

    settings = Settings(database_url=conns.sqlalchemy_url("pipeline"))
    bar = ProgressBar("reading deals.v1, partners.v1")
    try:
        report = await rebuild(settings, progress=bar)
    finally:
        bar.close()
    if as_json:
        emit({**dataclasses.asdict(report), "seconds": round(report.seconds, 2)}, as_json=True)
    else:
        print(report.describe())
    return 0


async def amain(argv: list[str] | None = None) -> int:
    """The command line without its process: parse, connect as the environment says, run."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error (or --help)
        return int(exc.code or 0)
    try:
        return await run(args, Connections.from_env())
    except (LookupError, ValueError, RuntimeError) as exc:
        print(f"platformctl: {exc}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    try:
        return asyncio.run(amain(argv))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        return 0


if __name__ == "__main__":
    sys.exit(main())
