"""Plain frozen records that services hand to the GUI, the command line and the report builders."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Which areas a service call changed, so each page reloads only when it must."""

    areas: frozenset[str] = field(default_factory=frozenset)

    def touches(self, area: str) -> bool:
        return area in self.areas


