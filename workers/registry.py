"""The consumers, registered by name with `@register`, and their topologies."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from service.config import Config
from workers.topology import ConsumerTopology

if TYPE_CHECKING:
    from workers.base import EventConsumer

C = TypeVar("C", bound="type[EventConsumer]")

CONSUMERS: dict[str, type[EventConsumer]] = {}


def register(cls: C) -> C:
    if cls.name in CONSUMERS:
        raise ValueError(f"consumer {cls.name!r} registered twice")
    CONSUMERS[cls.name] = cls
    return cls


def load_all() -> dict[str, type[EventConsumer]]:
    """Import every consumer module so that their decorators have run."""
    from workers import imports  # noqa: F401
    from workers import metrics  # noqa: F401
    from workers import milestones  # noqa: F401
    from workers import outcomes  # noqa: F401

    return CONSUMERS


def topology(name: str, config: Config) -> ConsumerTopology:
    """The queues of consumer `name`, its queue bound to the routing keys of the event classes it handles."""
    return ConsumerTopology(name, CONSUMERS[name].routing_keys, config.retry_delays, config.queue_type)


def topologies(config: Config, names: list[str] | None = None) -> list[ConsumerTopology]:
    registry = load_all()
    unknown = sorted(set(names or ()) - set(registry))
    if unknown:
        raise SystemExit(f"unknown consumer(s): {', '.join(unknown)}; known: {', '.join(sorted(registry))}")
    return [topology(name, config) for name in (names or sorted(registry))]
