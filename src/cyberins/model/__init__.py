"""Shared typed vocabulary and value objects: the base layer every other room imports."""
