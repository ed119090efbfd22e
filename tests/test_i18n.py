"""Every string on screen is translated to Chinese, and the catalogs are in step with the code."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "sponsorship" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def test_every_message_in_the_code_has_a_chinese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="zh")
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in wanted - translated)
    assert not missing, "untranslated (run make extract-messages and translate):\n" + "\n".join(
        missing
    )


def test_placeholders_survive_translation():
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="zh")
    for message in catalog:
        if message.id and "%(" in message.id:
            for name in ("%(name)s", "%(count)s", "%(n)s"):
                assert (name in message.id) == (name in message.string), message.id
