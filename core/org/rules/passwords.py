"""Password hashing with scrypt (memory-hard, in the standard library) and the password policy."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# n=2**15, r=8 needs 32 MiB per hash: slow enough against guessing, quick enough for a login.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=_MAXMEM, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                            p=int(p), maxmem=_MAXMEM, dklen=len(expected))
    return hmac.compare_digest(actual, expected)


def password_problems(password: str, min_length: int) -> list[str]:
    """What is wrong with a new password, in Chinese; empty when it is acceptable."""
    problems = []
    if len(password) < min_length:
        problems.append(f"密码至少需要 {min_length} 位")
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        problems.append("密码需同时包含字母和数字")
    if password.strip() != password:
        problems.append("密码首尾不能有空格")
    return problems
