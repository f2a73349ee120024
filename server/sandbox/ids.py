"""Believable Zoom identifiers, all drawn from one seeded random source."""

import base64
import random
import string

BASE62 = string.digits + string.ascii_letters
_ALNUM_PASSCODE = string.ascii_letters + string.digits


class IdFactory:
    """Makes ids that look like Zoom's; deterministic for a given seed, never repeating an id."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._meeting_ids: set[int] = set()
        self._uuids: set[str] = set()

    @property
    def rng(self) -> random.Random:
        return self._rng

    def base62(self, length: int) -> str:
        return "".join(self._rng.choice(BASE62) for _ in range(length))

    def user_id(self) -> str:
        """22 characters of unpadded base64url, like ``6y-Yqx-DSGiUlkjaIH7ISw``."""
        return base64.urlsafe_b64encode(self._rng.randbytes(16)).decode().rstrip("=")

    def meeting_id(self) -> int:
        while True:
            candidate = self._rng.randint(81_000_000_000, 89_999_999_999)
            if candidate not in self._meeting_ids:
                self._meeting_ids.add(candidate)
                return candidate

    def pmi(self) -> int:
        return self._rng.randint(2_000_000_000, 9_999_999_999)

    def meeting_uuid(self, force_prefix: str = "", force_infix: bool = False) -> str:
        """Base64 of 16 random bytes; optionally shaped to need Zoom's double URL-encoding.

        ``force_prefix="/"`` makes it start with a slash and ``force_infix`` puts ``//`` inside it:
        the two shapes a client must double-encode in a path.
        """
        while True:
            text = base64.b64encode(self._rng.randbytes(16)).decode()
            if force_prefix:
                text = force_prefix + text[len(force_prefix) :]
            if force_infix:
                text = text[:7] + "//" + text[9:]
            # A round trip keeps only strings that are canonical base64 of 16 bytes.
            text = base64.b64encode(base64.b64decode(text)).decode()
            if text not in self._uuids:
                self._uuids.add(text)
                return text

    def passcode(self) -> str:
        return "".join(self._rng.choice(_ALNUM_PASSCODE) for _ in range(6))

    def numeric_passcode(self) -> str:
        return "".join(self._rng.choice(string.digits) for _ in range(6))

    def encrypted_passcode(self) -> str:
        return self.base62(30) + ".1"

    def zak(self) -> str:
        """A start-URL ``zak``: shaped like Zoom's JWT but signed by nothing."""
        header = base64.urlsafe_b64encode(b'{"typ":"JWT","sv":"000002","zm_skm":"zm_o2m","alg":"HS256"}')
        return ".".join(
            [header.decode().rstrip("="), self.base62(180), self.base62(43)],
        )

    def file_id(self) -> str:
        """Recording file ids are lower-case UUIDs."""
        hexdigits = f"{self._rng.getrandbits(128):032x}"
        return "-".join(
            [hexdigits[:8], hexdigits[8:12], "4" + hexdigits[13:16], "a" + hexdigits[17:20], hexdigits[20:]]
        )

    def tracking_id(self) -> str:
        return f"v=2.0;clid=us05;rid=WEB_{self._rng.getrandbits(128):032x}"
