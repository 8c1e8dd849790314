"""Risk dispersion (风险分散): a book of policies, systemic scenarios through shared dependencies, reinsurance.

Public contract: ``../shared/contracts/portfolio.md``. Pure computation: the CLI and the services call it.
"""
