"""Installation profile, unit keys and the ledger view on a real database: the hub issues keys, a spoke enrols
with one, and the manifest rules admit packages against what the ledger recorded."""

from __future__ import annotations

import pytest

from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.common.runner import call
from core.exchange import profile as xp
from core.exchange.dto import Profile
from core.exchange.rules import manifest as em
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import ExchangeLedgerEntry
from tests.conftest import actor_of


def test_a_fresh_database_is_the_hub_and_issues_stable_keys(db: Database, admin_actor: Actor,
                                                             two_units: tuple[int, int]) -> None:
    with db.unit_of_work() as uow:
        assert xp.profile(uow.session) == Profile("hub", None) and xp.profile(uow.session).me == "BUREAU"
    key = call(db, xp.issue_key, admin_actor, "D001").key_hex
    assert len(key) == 64 and call(db, xp.issue_key, admin_actor, "D001").key_hex == key
    assert call(db, xp.issue_key, admin_actor, "D002").key_hex != key
    with pytest.raises(NotFound, match="D999"):
        call(db, xp.issue_key, admin_actor, "D999")
    with pytest.raises(PermissionDenied):
        call(db, xp.issue_key, actor_of(Role.CLERK, two_units[0]), "D001")


def test_ledger_view_admits_new_refuses_old_and_repeats(db: Database, admin_actor: Actor,
                                                        two_units: tuple[int, int]) -> None:
    key = bytes.fromhex(call(db, xp.issue_key, admin_actor, "D001").key_hex)
    rows = {"indicators": [{"name": "甲"}]}
    digest = em.content_hash(rows)
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add(ExchangeLedgerEntry(package_id="P-1", kind="goals", direction="in", sender="D001",
                                            receiver="BUREAU", year=2024, sequence=4, content_hash=digest,
                                            signed=True, state="applied"))
        uow.commit()
    with db.unit_of_work() as uow:
        view = xp.ledger_view(uow.session)
        assert view.me == "BUREAU" and view.applied == {"P-1"} and view.last_sequence == {"D001": 4}
        assert xp.next_sequence(uow.session, "D001") == 1
    manifest = em.Manifest("P-2", "goals", "D001", "BUREAU", 2024, 5, {"indicators": 1}, digest)
    assert em.admit(em.sign(manifest, key), digest, {"indicators": 1}, view) == "new"
    old = em.Manifest("P-3", "goals", "D001", "BUREAU", 2024, 4, {"indicators": 1}, digest)
    with pytest.raises(em.ManifestError, match="旧包"):
        em.admit(em.sign(old, key), digest, {"indicators": 1}, view)
    repeat = em.Manifest("P-1", "goals", "D001", "BUREAU", 2024, 4, {"indicators": 1}, digest)
    assert em.admit(em.sign(repeat, key), digest, {"indicators": 1}, view) == "duplicate"


def test_a_spoke_enrols_with_its_key_and_only_once(db: Database, admin_actor: Actor,
                                                   two_units: tuple[int, int]) -> None:
    with pytest.raises(ValidationError, match="密钥格式不正确"):
        call(db, xp.become_spoke, admin_actor, "D001", "xyz", "某县财政局")
    call(db, xp.become_spoke, admin_actor, "D001", "ab" * 32, "某县财政局")
    with db.unit_of_work() as uow:
        assert xp.profile(uow.session).me == "D001"
        assert xp.ledger_view(uow.session).keys == {"D001": bytes.fromhex("ab" * 32)}
    with pytest.raises(ValidationError, match="已登记为单位“D001”"):
        call(db, xp.become_spoke, admin_actor, "D002", "cd" * 32, "某县财政局")
    with pytest.raises(ValidationError, match="只有财政局"):
        call(db, xp.issue_key, admin_actor, "D002")
