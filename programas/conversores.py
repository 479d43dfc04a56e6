"""Path converters: ids that fit a 64-bit column, so a 20-digit id is a 404, never a 500."""


class IdConverter:
    """A primary key in a URL: 1 to 18 digits (always below 2**63)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
