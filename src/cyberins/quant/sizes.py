"""The sizes of a simulation, without NumPy: the command line's options check them before the engine loads."""

from __future__ import annotations

#: Years per block: about BLOCK_YEARS·λ events are held at once (131,072 at λ = 2); at most `arrivals.MAX_YEARS`.
#: Fewer, larger blocks cost less per simulated year for rare events (per-block work per event type).
BLOCK_YEARS = 65_536
#: At most 4,194,304 years: under a second for the example SME under its policy, whose 0.5% needs about 2.7M
#: years, and a year-loss table of 134 MB (docs/simulation.md, "Precision").
MAX_YEARS = 64 * BLOCK_YEARS
#: The most years one simulation may run: 256 blocks, 16,777,216 years. The year-loss table keeps four float64
#: a year in memory (with events under review a fifth), so this bounds it to 537 MB (671 MB), and the metrics'
#: sorted copies to as much again; quantiles need every year, so the table cannot be streamed. Four times
#: the precision cap `MAX_YEARS`, well past the 10,000,000 years docs/simulation.md shows.
YEARS_LIMIT = 256 * BLOCK_YEARS
