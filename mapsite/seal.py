"""Password-protected plans: the page and its PDF are published only encrypted.

The page is AES-256-GCM ciphertext of the whole plan page, with a key from
PBKDF2-SHA256 (600,000 iterations) over the password and the plan's own salt, and a
fresh random nonce on every build; the theme's unlock.js decrypts it in the browser
with WebCrypto. The salt is made from the plan's token, not drawn anew each build: it
is still unique to the plan (tokens are random), and a browser that remembers the key
(never the password) keeps opening the plan after the next build. A new password, or a
rotated token, makes a new key, and the browser asks again.
The PDF is encrypted with the same password (PDF 2.0 AES-256), so a PDF viewer asks
for it. The password comes from an environment variable named in the plan
(``share.password_env``): it is never in the repo.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

ITERATIONS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256
SALT_BYTES = 16
NONCE_BYTES = 12


@dataclass(frozen=True)
class Sealed:
    """What the locked page carries: all base64 but the iteration count."""

    salt: str
    nonce: str
    ciphertext: str
    iterations: int = ITERATIONS


def derive_key(password: str, salt: bytes, iterations: int = ITERATIONS) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(password.encode("utf-8"))


def plan_salt(token: str) -> bytes:
    """The salt of a plan's key: the same on every build, different for every plan."""
    return hashlib.sha256(b"mapsite seal salt\0" + token.encode("utf-8")).digest()[:SALT_BYTES]


def seal(plaintext: str, password: str, salt: bytes) -> Sealed:
    """Encrypt ``plaintext`` with a fresh nonce; ``salt`` is the plan's (``plan_salt``)."""
    nonce = os.urandom(NONCE_BYTES)
    key = derive_key(password, salt)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), None)
    return Sealed(*(base64.b64encode(b).decode("ascii") for b in (salt, nonce, ciphertext)))


def unseal(sealed: Sealed, password: str) -> str:
    """The inverse of ``seal`` (the browser does this; tests use it to check the page)."""
    key = derive_key(password, base64.b64decode(sealed.salt), sealed.iterations)
    plain = AESGCM(key).decrypt(
        base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext), None
    )
    return plain.decode("utf-8")


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """The PDF, readable only with the password (AES-256, as PDF 2.0 defines it), its
    objects still packed in object streams (``pdf.packed``: qpdf writes both). The owner
    password is the same: an empty one would open the file to anyone."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(
            out,
            encryption=pikepdf.Encryption(owner=password, user=password, R=6),
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    return out.getvalue()
