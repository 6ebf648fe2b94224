"""Tandem: marketing and technology as equal partners. Version only; imports nothing."""

__version__ = "0.1.0"
