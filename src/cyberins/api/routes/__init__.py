"""Routers: thin — parse, call one service, render."""
