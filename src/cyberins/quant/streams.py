"""Random streams of a simulation: one per (seed, block of years, event type, purpose).

Common random numbers (CRN) need each event type's draws to depend on nothing but its own parameters, so a
control that changes one event type changes no other one's simulated events. Every generator is therefore
keyed by

    (seed, block, event-type code[, member code], purpose)

- **block**: years are simulated in fixed blocks of `BLOCK_YEARS` (the last one shorter). Blocks depend on
  the number of years only, never on the model's frequency or the machine, so a factor cannot move a block
  boundary; they also bound memory at any number of years (a block holds about `BLOCK_YEARS`·λ events).
- **event-type code**: the integer of the event type's stable id (its UTF-8 bytes), never its position in
  a model or in the enum, so adding or reordering event types changes no other type's stream.
- **purpose** (`Stream`): arrivals (which events exist), times (each event's year and time), severity (each
  event's losses), and for an over-dispersed frequency the sizes of clusters of events and the events' times,
  are separate streams, so more or fewer events never shift another purpose's draws.

Keys have a fixed length per caller and end in a purpose, never 0: `numpy.random.SeedSequence` treats
trailing zeros as absent, so keys ending in zeros could collide with shorter ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from enum import IntEnum

import numpy as np

from cyberins.model.ids import EventType
from cyberins.quant.sizes import BLOCK_YEARS


class Stream(IntEnum):
    """What a stream draws, for one event type in one block (`cyberins.quant.arrivals`)."""

    ARRIVALS = 1
    TIMES = 2
    SEVERITY = 3
    CLUSTER_SIZES = 4
    EVENT_TIMES = 5
    #: Whether each event's state-backed attribution is under review (rule 20).
    ATTRIBUTION = 6


#: The generator of one purpose of one event type in one block.
StreamSource = Callable[[Stream], np.random.Generator]


@functools.cache
def type_code(event_type: EventType) -> int:
    """The stable integer of an event type: its id's UTF-8 bytes read as a little-endian integer."""
    return int.from_bytes(event_type.value.encode("utf-8"), "little")


def blocks(years: int) -> Iterator[tuple[int, int, int]]:
    """`(block, first year, years in it)` for `years` simulated years, in fixed blocks of `BLOCK_YEARS`."""
    for block, start in enumerate(range(0, years, BLOCK_YEARS)):
        yield block, start, min(BLOCK_YEARS, years - start)


def source(*key: int) -> StreamSource:
    """Streams under a fixed key prefix, e.g. `(seed, block, type_code(et))`: each purpose its own."""
    prefix = [w for k in key for w in words(k)]

    def generator(purpose: Stream) -> np.random.Generator:
        # What default_rng(SeedSequence([*key, purpose])) builds, without its checks, from the key's words
        # computed once: this runs per type, block and purpose (hundreds of thousands of times in a portfolio
        # run), and SeedSequence splits Python integers into words four times slower than it reads them.
        entropy = np.array([*prefix, *words(int(purpose))], dtype=np.uint32)
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))

    return generator


def words(n: int) -> list[int]:
    """A non-negative integer as `SeedSequence` reads it: 32-bit words, least significant first, at least one."""
    out = [n & 0xFFFFFFFF]
    n >>= 32
    while n:
        out.append(n & 0xFFFFFFFF)
        n >>= 32
    return out


def type_streams(seed: int, block: int, *extra: int) -> Callable[[EventType], StreamSource]:
    """Each event type's streams in one block, keyed (seed, block, event-type code, *extra, purpose)."""
    return lambda event_type: source(seed, block, type_code(event_type), *extra)
