"""Renderers: each reads a Walkthrough and writes one format; none touches the engine."""
