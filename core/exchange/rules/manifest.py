"""The manifest of an exchange package (the hidden 清单 sheet): format version, package id, kind, sender,
receiver, year, sequence number, row counts, a SHA-256 of the content and an HMAC-SHA256 signature with the
unit's key; and the ledger decision for an incoming package (new, the same again, older, for someone else,
badly signed, unsigned).

The content hash is computed over a canonical JSON of the rows as read back (values by column kind), so a
workbook re-saved by another spreadsheet program with the same cell values keeps its hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from core.exchange.rules.spec import FORMAT_VERSION
from core.goals.rules.notation import IndicatorValue

MANIFEST_FIELDS = ("format_version", "package_id", "kind", "sender", "receiver", "year", "sequence",
                   "row_counts", "content_hash", "signature")
HUB = "BUREAU"  # the bureau's name as sender or receiver of a package


class ManifestError(ValueError):
    """A manifest that is missing, malformed or does not match the package."""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value != 0 else "0"
        return {"d": text}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, IndicatorValue):
        return {"iv": [value.comparator, _plain(value.target), value.target_text, value.unit_of_measure]}
    return value


def content_hash(sheets: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """SHA-256 of the rows of every sheet (sheet kind → rows of {column key: value}) in canonical JSON."""
    canonical = {kind: [{k: _plain(v) for k, v in sorted(row.items())} for row in rows]
                 for kind, rows in sorted(sheets.items())}
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Manifest:
    package_id: str
    kind: str  # e.g. "goals" (unit → bureau), "review_results" (bureau → unit), "template"
    sender: str  # unit code, or "BUREAU"
    receiver: str
    year: int
    sequence: int
    row_counts: dict[str, int] = field(default_factory=dict)
    content_hash: str = ""
    signature: str = ""  # empty: unsigned (a blank template, or a hand-made workbook)
    format_version: int = FORMAT_VERSION

    def signing_bytes(self) -> bytes:
        data = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def as_rows(self) -> list[tuple[str, str]]:
        """(field, text) pairs for the hidden manifest sheet."""
        data = asdict(self)
        return [(k, json.dumps(data[k], ensure_ascii=False) if k == "row_counts" else str(data[k]))
                for k in MANIFEST_FIELDS]

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[Any, Any]]) -> Manifest:
        data = {str(k).strip(): ("" if v is None else str(v).strip()) for k, v in rows if k}
        missing = [k for k in MANIFEST_FIELDS if k not in data and k != "signature"]
        if missing:
            raise ManifestError(f"交换包清单缺少字段：{'、'.join(missing)}。该文件不是完整的交换包，或清单被修改过。")
        try:
            return cls(data["package_id"], data["kind"], data["sender"], data["receiver"], int(data["year"]),
                       int(data["sequence"]), {str(k): int(v) for k, v in json.loads(data["row_counts"]).items()},
                       data["content_hash"], data.get("signature", ""), int(data["format_version"]))
        except (ValueError, TypeError, AttributeError) as exc:
            raise ManifestError(f"交换包清单格式不正确：{exc}") from exc


def sign(manifest: Manifest, key: bytes) -> Manifest:
    return replace(manifest, signature=hmac.new(key, manifest.signing_bytes(), hashlib.sha256).hexdigest())


def signature_ok(manifest: Manifest, key: bytes) -> bool:
    expected = hmac.new(key, manifest.signing_bytes(), hashlib.sha256).hexdigest()
    return bool(manifest.signature) and hmac.compare_digest(expected, manifest.signature)


@dataclass(frozen=True)
class LedgerView:
    """What the receiving installation knows: who it is, the packages already applied, the last sequence per
    sender, and each sender's key."""

    me: str
    applied: frozenset[str]
    last_sequence: Mapping[str, int]
    keys: Mapping[str, bytes]


def admit(manifest: Manifest, actual_hash: str, actual_counts: Mapping[str, int], ledger: LedgerView) -> str:
    """The ledger's decision for an incoming package:

    - "duplicate": already applied, importing it again changes nothing;
    - "new": signed by the sender's key, newer than the last package from it, content as signed;
    - "edited": correctly signed but the cells were changed afterwards (hand-edited);
    - "unsigned": no signature (a template filled by hand).
    "edited" and "unsigned" are applied only after a reviewer confirms, and stay marked so. Every refusal
    (another receiver, newer format, unknown sender, bad signature, an older sequence) raises ManifestError.
    """
    if manifest.format_version > FORMAT_VERSION:
        raise ManifestError(f"交换包格式版本 {manifest.format_version} 比本程序支持的 {FORMAT_VERSION} 新，请先升级程序。")
    if manifest.receiver != ledger.me:
        raise ManifestError(f"该交换包是发给“{manifest.receiver}”的，不是本单位（{ledger.me}）的，已拒绝。")
    if manifest.package_id in ledger.applied:
        return "duplicate"
    if not manifest.signature:
        return "unsigned"
    key = ledger.keys.get(manifest.sender)
    if key is None:
        raise ManifestError(f"没有发送方“{manifest.sender}”的签名密钥：该单位未在本机登记，已拒绝。")
    if not signature_ok(manifest, key):
        raise ManifestError(f"交换包签名无效：不是“{manifest.sender}”用其密钥签发的，或清单被修改过，已拒绝。")
    last = ledger.last_sequence.get(manifest.sender, 0)
    if manifest.sequence <= last:
        raise ManifestError(f"交换包序号 {manifest.sequence} 不新于已导入的第 {last} 号：这是一个旧包，已拒绝。")
    if manifest.content_hash != actual_hash or dict(manifest.row_counts) != dict(actual_counts):
        return "edited"
    return "new"
