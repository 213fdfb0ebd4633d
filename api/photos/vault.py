"""Sealing image bytes at rest with AES-256-GCM (the `cryptography` package).

A sealed blob is a version byte, a fresh 96-bit nonce and the ciphertext with its tag. The
photo's id and the image size are the associated data, so a blob copied onto another photo
(or the thumbnail swapped for the full image) fails to open rather than showing the wrong
picture. The key comes from the settings (`AFTERLINE_PHOTO_KEY`, or generated into the data
directory); the database alone, or a backup of it, holds no readable image.
"""

from __future__ import annotations

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = b"\x01"
NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed image that does not open with this key: tampered, moved, or another key."""


class PhotoVault:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the photo key must be 32 bytes")
        self._aead = AESGCM(key)

    @staticmethod
    def _context(photo_id: uuid.UUID, size: str) -> bytes:
        return photo_id.bytes + size.encode()

    def seal(self, photo_id: uuid.UUID, size: str, plain: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT + nonce + self._aead.encrypt(nonce, plain, self._context(photo_id, size))

    def open(self, photo_id: uuid.UUID, size: str, sealed: bytes) -> bytes:
        if sealed[:1] != FORMAT:
            raise SealBroken("unknown format")
        nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, self._context(photo_id, size))
        except InvalidTag as exc:
            raise SealBroken("the image does not open with this key") from exc
