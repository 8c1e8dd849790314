"""Tests of the products: service bundle, product warranty, group scheme (issue 12)."""
