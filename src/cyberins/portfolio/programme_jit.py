"""Compiled (numba) passes of the reinsurance programme over a chunk's rows (`portfolio.occurrences`): the
occurrences put in time order, the rows grouped by occurrence, and each treaty in one pass over the groups.

Every sum runs in row order from zero, as `np.bincount` sums, so the results are those of the NumPy passes
they replace, bit for bit. `cache=True` as in `portfolio.jit`.
"""

from __future__ import annotations

import numba
import numpy as np

from cyberins.quant.model import FloatArray, IntArray

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _occurrences(
    year: IntArray, key: IntArray, time: FloatArray, low: int, top: int
) -> tuple[bool, IntArray, IntArray]:  # pragma: no cover
    """`occurrence_order`: the occurrences numbered as they first appear, with their year, time and key (tables
    the size of the occurrences, not of the keys), then a counting sort by year and time slot (each year's span
    of times cut in about as many slots as the year has occurrences) and a sort by (time, key) within each slot
    that two or more share."""
    n = len(year)
    number = np.full(top, -1, dtype=np.int64)
    first_year = np.empty(min(n, top), dtype=np.int64)
    first_time = np.empty(min(n, top))
    first_key = np.empty(min(n, top), dtype=np.int64)
    m = 0
    for i in range(n):
        k = key[i] - low
        if number[k] < 0:
            number[k] = m
            first_year[m], first_time[m], first_key[m] = year[i], time[i], k
            m += 1
        elif first_year[number[k]] != year[i]:
            return False, number[:0], number[:0]  # a key in two years
    n_years, earliest, latest = 0, np.inf, -np.inf
    for a in range(m):
        n_years = max(n_years, first_year[a] + 1)
        earliest, latest = min(earliest, first_time[a]), max(latest, first_time[a])
    # A slot is monotone in time (rounding never reverses an order), so sorting within slots sorts the year.
    per_year = max(1, m // max(n_years, 1))
    scale = per_year / (latest - earliest) if latest > earliest else 0.0
    slot = np.empty(m, dtype=np.int64)
    for a in range(m):
        slot[a] = first_year[a] * per_year + min(max(np.int64((first_time[a] - earliest) * scale), 0), per_year - 1)
    in_slots, starts = _grouped(np.arange(m), 0, slot, n_years * per_year)
    keys, times = first_key[in_slots], first_time[in_slots]
    run, largest = 16, 0
    for s in range(n_years * per_year):
        largest = max(largest, starts[s + 1] - starts[s])
    spare = m if largest > run else 0  # merges: seldom, a year's times bunched in a few slots
    spare_keys, spare_times = np.empty(spare, dtype=np.int64), np.empty(spare)
    occurrence_year = np.empty(m, dtype=np.int64)
    for s in range(n_years * per_year):
        if starts[s + 1] - starts[s] > 1:
            _sort_by_time(times, keys, starts[s], starts[s + 1], run, spare_times, spare_keys)
        for p in range(starts[s], starts[s + 1]):
            occurrence_year[p] = s // per_year  # the slot's year
            number[keys[p]] = p  # the key's number becomes its position in the order
    return True, number, occurrence_year


@_jit
def _sort_by_time(
    times: FloatArray, keys: IntArray, lo: int, hi: int, run: int, spare_times: FloatArray, spare_keys: IntArray
) -> None:  # pragma: no cover
    """Sorts the pairs (times, keys)[lo:hi] by time, then key: insertion sorts of `run` pairs, then merges of
    runs both ways between the arrays and the spares (used at the same places, so as long as the arrays when
    hi − lo > run). Bounds, not slices: views of the arrays would cost more than sorting a slot's few pairs."""
    for a in range(lo, hi, run):
        for i in range(a + 1, min(a + run, hi)):
            t, k = times[i], keys[i]
            j = i - 1
            while j >= a and (times[j] > t or (times[j] == t and keys[j] > k)):
                times[j + 1], keys[j + 1] = times[j], keys[j]
                j -= 1
            times[j + 1], keys[j + 1] = t, k
    if hi - lo <= run:
        return
    source_t, source_k, target_t, target_k = times, keys, spare_times, spare_keys
    width, in_spares = run, False
    while width < hi - lo:
        for a in range(lo, hi, 2 * width):
            middle, end = min(a + width, hi), min(a + 2 * width, hi)
            i, j = a, middle
            for out in range(a, end):
                left_first = i < middle and (
                    source_t[i] < source_t[j] or (source_t[i] == source_t[j] and source_k[i] < source_k[j])
                )
                if j >= end or left_first:
                    target_t[out], target_k[out] = source_t[i], source_k[i]
                    i += 1
                else:
                    target_t[out], target_k[out] = source_t[j], source_k[j]
                    j += 1
        source_t, source_k, target_t, target_k = target_t, target_k, source_t, source_k
        width, in_spares = 2 * width, not in_spares
    if in_spares:
        times[lo:hi], keys[lo:hi] = spare_times[lo:hi], spare_keys[lo:hi]


def occurrence_order(
    year: IntArray, key: IntArray, time: FloatArray, low: int, top: int
) -> tuple[IntArray, IntArray] | None:
    """For rows keyed low … low + top − 1 (`top` a few times the rows at most) by an id unique across years:
    each key's position among the occurrences in (year, time, key) order (key − low; −1 for a key no row has)
    and each occurrence's year in that order. None when a key appears in two years (then the caller keys by
    year as well)."""
    done, position, occurrence_year = _occurrences(
        np.ascontiguousarray(year, dtype=np.int64),
        np.ascontiguousarray(key, dtype=np.int64),
        np.ascontiguousarray(time, dtype=np.float64),
        int(low),
        int(top),
    )
    return (position, occurrence_year) if done else None


@_jit
def _grouped(key: IntArray, low: int, group: IntArray, m: int) -> tuple[IntArray, IntArray]:  # pragma: no cover
    """`grouped`: a counting sort, the rows placed last first so that each group's come in their own order."""
    starts = np.zeros(m + 1, dtype=np.int64)
    for i in range(len(key)):
        starts[group[key[i] - low] + 1] += 1
    for o in range(m):
        starts[o + 1] += starts[o]
    starts[:m] = starts[1:]  # each group's end
    rows = np.empty(len(key), dtype=np.int64)
    for i in range(len(key) - 1, -1, -1):
        g = group[key[i] - low]
        starts[g] -= 1
        rows[starts[g]] = i
    return rows, starts


def grouped(key: IntArray, low: int, group: IntArray, m: int) -> tuple[IntArray, IntArray]:
    """The rows grouped by `group[key − low]` (0 … m − 1), each group's rows in their own order: the rows in
    that order and where each group starts among them, then the end."""
    return _grouped(
        np.ascontiguousarray(key, dtype=np.int64),
        int(low),
        np.ascontiguousarray(group, dtype=np.int64),
        int(m),
    )


@_jit
def _in_layer(x: float, layer: FloatArray) -> float:  # pragma: no cover
    """min(max(scale · x − attachment, 0), limit), `layer` = (scale, attachment, limit)."""
    return float(min(max(layer[0] * x - layer[1], 0.0), layer[2]))


@_jit
def _layer_sums(
    values: FloatArray, starts: IntArray, weight: FloatArray, layers: FloatArray
) -> FloatArray:  # pragma: no cover
    """`layer_sums` in one pass over the rows."""
    sums = np.zeros((len(layers), len(starts) - 1))
    weighted = len(weight) > 0
    for o in range(len(starts) - 1):
        for j in range(len(layers)):
            total = 0.0
            for r in range(starts[o], starts[o + 1]):
                total += _in_layer(values[r], layers[j]) * (weight[r] if weighted else 1.0)
            sums[j, o] = total
    return sums


def layer_sums(values: FloatArray, starts: IntArray, weight: FloatArray | None, layers: FloatArray) -> FloatArray:
    """Per layer (a row of `layers`: scale, attachment, limit) and group of rows (the rows `starts[o]` up to
    `starts[o + 1]`), Σ weight · min(max(scale · value − attachment, 0), limit) over the group, summed in row
    order from zero as `np.bincount` would. An identity layer (1, 0, ∞) sums the values themselves, bit for bit."""
    return _layer_sums(
        np.ascontiguousarray(values, dtype=np.float64),
        np.ascontiguousarray(starts, dtype=np.int64),
        np.zeros(0) if weight is None else np.ascontiguousarray(weight, dtype=np.float64),
        np.ascontiguousarray(layers, dtype=np.float64).reshape(-1, 3),
    )


@_jit
def _cede(
    left: FloatArray,
    rows: IntArray,
    starts: IntArray,
    weight: FloatArray,
    share: FloatArray,
    layer: FloatArray,
    following: FloatArray,
    recovery: FloatArray,
) -> tuple[FloatArray, FloatArray]:  # pragma: no cover
    """`cede` in one pass over the rows, each group's sums in registers."""
    ceded = np.empty(len(share))
    basis = np.empty(len(share))
    weighted, by_row = len(weight) > 0, len(recovery) > 0
    for o in range(len(share)):
        c, b = 0.0, 0.0
        for r in range(starts[o], starts[o + 1]):
            x = left[r]
            paid = min(_in_layer(x, layer) * share[o], x)
            x -= paid
            left[r] = x
            if by_row:
                recovery[rows[r]] = paid
            w = weight[r] if weighted else 1.0
            c += paid * w
            b += _in_layer(x, following) * w
        ceded[o], basis[o] = c, b
    return ceded, basis


def cede(
    left: FloatArray,
    rows: IntArray,
    starts: IntArray,
    weight: FloatArray | None,
    share: FloatArray,
    layer: FloatArray,
    following: FloatArray,
    recovery: FloatArray | None,
) -> tuple[FloatArray, FloatArray]:
    """One treaty on rows grouped as `layer_sums` reads them, in place: each row of group o recovers
    min(share[o] · its `layer` of `left`, left), and `left` loses it. Returns the recoveries' sum per group and
    the sum per group of the `following` layer of what is left (what the next treaty reads), as `layer_sums`
    sums; writes each recovery into `recovery` (if given) in the rows' own order (`rows[r]` is row r's)."""
    return _cede(
        left,
        np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(starts, dtype=np.int64),
        np.zeros(0) if weight is None else np.ascontiguousarray(weight, dtype=np.float64),
        np.ascontiguousarray(share, dtype=np.float64),
        np.ascontiguousarray(layer, dtype=np.float64),
        np.ascontiguousarray(following, dtype=np.float64),
        np.zeros(0) if recovery is None else recovery,
    )


@_jit
def _year_sums(year: IntArray, values: FloatArray, n_years: int) -> tuple[FloatArray, FloatArray]:  # pragma: no cover
    """`year_sums` in one pass, each year's run summed in a register."""
    total = np.zeros(n_years)
    largest = np.zeros(n_years)
    o = 0
    while o < len(values):
        y, run, top = year[o], 0.0, 0.0
        while o < len(values) and year[o] == y:
            run += values[o]
            top = max(top, values[o])
            o += 1
        total[y] += run
        largest[y] = max(largest[y], top)
    return total, largest


def year_sums(year: IntArray, values: FloatArray, n_years: int) -> tuple[FloatArray, FloatArray]:
    """Per year 0 … n_years − 1 the sum of the (non-negative) `values` in order, as `np.bincount` sums when
    `year` ascends, and the largest (0 in a year without one)."""
    return _year_sums(
        np.ascontiguousarray(year, dtype=np.int64), np.ascontiguousarray(values, dtype=np.float64), int(n_years)
    )


@_jit
def _reached(amount: FloatArray, year: IntArray, attachment: float, limit: float) -> FloatArray:  # pragma: no cover
    """`reached_in_time_order` in one pass per year: the part of the year's running total that lies above
    `attachment` and that above attachment + limit, each as `terms.kernels.capped_running` pays a cap (which
    this replaces bit for bit), their difference, then `_settled` on what is due."""
    n = len(amount)
    paid = np.empty(n)
    due = np.zeros(year[n - 1] + 1 if n else 0)
    high = attachment + limit
    o = 0
    while o < n:
        y, end, total = year[o], o, 0.0
        while end < n and year[end] == y:
            total += amount[end]
            end += 1
        due[y] = min(max(total - attachment, 0.0), limit)
        # A cap that the year's total does not pass leaves every amount whole, as `capped_running` does.
        cut_high, cut_low = total + 0.0 > high, total + 0.0 > attachment
        run_high, before_high, run_low, before_low = 0.0, min(0.0, high), 0.0, min(0.0, attachment)
        for r in range(o, end):
            a = amount[r]
            up_to_high, up_to_low = a, a
            if cut_high:
                run_high += a
                up_to_high = min(max(min(run_high, high) - before_high, 0.0), a)
                before_high = min(run_high, high)
            if cut_low:
                run_low += a
                up_to_low = min(max(min(run_low, attachment) - before_low, 0.0), a)
                before_low = min(run_low, attachment)
            paid[r] = max(up_to_high - up_to_low, 0.0)
        o = end
    return _settled(paid, amount, year, due)


@_jit
def _settled(paid: FloatArray, amount: FloatArray, year: IntArray, due: FloatArray) -> FloatArray:  # pragma: no cover
    """`paid` (0 ≤ paid ≤ amount per occurrence) with each year's total made what is `due` that year: the
    difference, float rounding of the running totals, is taken up by the occurrence with the most room either
    way, min(paid, amount − paid) > 0, the one that crossed the cap (of equals, the latest), within 0 … its
    amount. So a year's recovery never passes its cover by a rounding step, nor misses reaching it."""
    out = paid.copy()
    o = 0
    while o < len(paid):
        y, total, crossing, most = year[o], 0.0, -1, 0.0
        while o < len(paid) and year[o] == y:
            total += paid[o]
            room = min(paid[o], amount[o] - paid[o])
            if room > 0 and room >= most:
                crossing, most = o, room
            o += 1
        if crossing >= 0:
            out[crossing] = min(max(paid[crossing] + (due[y] - total), 0.0), amount[crossing])
    return out


def reached_in_time_order(amount: FloatArray, year: IntArray, attachment: float, limit: float) -> FloatArray:
    """Per occurrence (in time order, `year` ascending), what of its `amount` lies above `attachment` and up to
    attachment + `limit` in the running total of its year: the occurrence that crosses either gets the part
    beyond it; each year's total is then exactly min(max(total − attachment, 0), limit) (`_settled`)."""
    return _reached(
        np.ascontiguousarray(amount, dtype=np.float64),
        np.ascontiguousarray(year, dtype=np.int64),
        float(attachment),
        float(limit),
    )
