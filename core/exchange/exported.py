"""What an export hands back: the package files written, each recorded in the exchange ledger."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.common.changes import Area, Changes

EXPORTED = Changes.of(Area.EXCHANGE, Area.AUDIT)  # the outgoing ledger entries and their audit entries


@dataclass(frozen=True)
class Exported:
    """The files written (one for a single unit, one per unit for 全部单位), in the order written."""

    paths: tuple[Path, ...]
    changes: Changes = EXPORTED

    @property
    def path(self) -> Path:
        """The file of a single export."""
        return self.paths[0]


@dataclass(frozen=True)
class IssuedKey:
    """A unit's signing key (hex); `changes` is empty when the unit already had one."""

    key_hex: str
    changes: Changes = EXPORTED
