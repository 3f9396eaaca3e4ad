"""Rendering: the only layer (with cli/) that prints or draws."""
