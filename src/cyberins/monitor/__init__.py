"""In-policy monitoring (保中监测): vulnerability feeds, asset inventories, CPE matching, alerts tied to cover.

Public contract: ``../shared/contracts/monitoring.md``. Pure computation: the store and the CLI call it.
"""
