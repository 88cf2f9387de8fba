"""Renderers: results in, text / JSON / CSV / Markdown out. No computation here."""
