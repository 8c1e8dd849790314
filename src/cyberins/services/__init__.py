"""Lifecycle use cases over the store: parties, underwriting, claims, payments, audit, jobs.

Each transition is one function that checks permissions and preconditions, runs in one transaction
(`unit_of_work`) and appends to the hash-chained audit log. State machines are data
(`underwriting.SUBMISSION_MACHINE`, `policies.POLICY_MACHINE`, `claims.CLAIM_MACHINE`).
"""
