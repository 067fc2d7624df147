"""The one detection engine that check, fix, pre-commit, eval and the PRISM judge call."""

from safelint.engine.detector import Engine, drop_creature_asks, follow_up_asks, regroup, scan_all, scan_records

__all__ = ["Engine", "drop_creature_asks", "follow_up_asks", "regroup", "scan_all", "scan_records"]
