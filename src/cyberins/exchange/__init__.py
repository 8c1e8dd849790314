"""Standards and data exchange (contract `standards.md`): a book as Open Exposure Data for OasisLMF and back,
the platform's policies, claims and payments as one JSON document, incidents as STIX 2.1 bundles, pooled loss
data with k-anonymity and the credibility re-calibration a pool feeds (docs/exchange.md, docs/stix.md,
docs/pooling.md).

Pure computation on typed inputs: the CLI (`cyberins exchange …`) and services read and write files and stores.
"""
