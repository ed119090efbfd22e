"""The Content-Disposition of a download whose name may hold Chinese (RFC 6266, RFC 5987)."""

from urllib.parse import quote


def attachment(name: str, fallback: str) -> str:
    """Return an attachment header: `fallback` for old clients, `name` in UTF-8 for the rest.

    HTTP headers are Latin-1: a Chinese name written plainly makes the server fail after the
    work is done. `fallback` must be plain ASCII.
    """
    if not fallback.isascii() or '"' in fallback or "\\" in fallback:
        raise ValueError(f"the fallback file name must be plain ASCII: {fallback!r}")
    if name.isascii() and '"' not in name and "\\" not in name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
