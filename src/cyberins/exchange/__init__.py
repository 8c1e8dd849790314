"""Standards and data exchange (contract `standards.md`): incidents as STIX 2.1 bundles, pooled loss data
with k-anonymity, and the credibility re-calibration a pool feeds (docs/stix.md, docs/pooling.md).

Pure computation on typed inputs: the CLI (`cyberins exchange …`) reads and writes the files.
"""
