"""Settings, the append-only hash-chained audit log, and the exchange ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.codes import ExchangeKind, InstallationRole, PackageDirection, PackageState
from db.models.base import Base, UTCDateTime, one_of, utcnow


class Setting(Base):
    """A setting as JSON text; defaults live in resources/reference/settings.json."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """Who did what and when, with before/after; `hash` chains each entry to the one before."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ExchangeLedgerEntry(Base):
    """Every exchange package sent or received, so the same package twice is a no-op."""

    __tablename__ = "exchange_ledger"
    __table_args__ = (one_of("kind", ExchangeKind), one_of("direction", PackageDirection),
                      one_of("state", PackageState))

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(8))
    sender: Mapped[str] = mapped_column(String(32))
    receiver: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    signed: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Installation(Base):
    """What this installation is (one row): the bureau's hub, or one unit's spoke enrolled from a package."""

    __tablename__ = "installation"
    __table_args__ = (one_of("role", InstallationRole),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    unit_code: Mapped[str | None] = mapped_column(String(32))  # the spoke's unit
    hub_name: Mapped[str | None] = mapped_column(String(100))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnitKey(Base):
    """The signing key of a unit for exchange packages (HMAC-SHA256), issued by the bureau at enrolment."""

    __tablename__ = "unit_key"

    unit_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_hex: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
