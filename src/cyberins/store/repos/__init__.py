"""Repositories: every query of the platform lives here, behind small typed functions."""
