"""Caring parents' applications and staff decisions on them."""
