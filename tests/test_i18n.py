"""Every string on screen is translated to Chinese, and the catalogs are in step with the code."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from sponsorship.services.core.audit_words import ACTION_LABELS

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


PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]")


def test_placeholders_survive_translation():
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="zh")
    for message in catalog:
        if message.id and "%(" in message.id:
            wanted = sorted(PLACEHOLDER_RE.findall(message.id))
            assert sorted(PLACEHOLDER_RE.findall(message.string)) == wanted, message.id


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """Return DomainError and the names of every class derived from it, however indirectly."""
    names, grown = {"DomainError"}, True
    while grown:
        grown = False
        for tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in names
                    and any(getattr(base, "id", None) in names for base in node.bases)
                ):
                    names.add(node.name)
                    grown = True
    return names


def test_domain_errors_take_a_message_id_not_a_bare_string():
    """A literal or f-string message would reach people untranslated, unseen by extraction."""
    paths = sorted((ROOT / "sponsorship").rglob("*.py"))
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in paths]
    names = _error_classes(trees) | {"_conflict"}
    bare = []
    for path, tree in zip(paths, trees, strict=True):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            message = node.args[-1]
            if name in names and (
                isinstance(message, ast.JoinedStr)
                or (isinstance(message, ast.Constant) and isinstance(message.value, str))
            ):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bare, "wrap the message in _l(...):\n" + "\n".join(bare)


AUDIT_ACTION_RE = re.compile(r"(?:audit\.record|Audit)\(\s*\"([a-z_]+\.[a-z_]+)\"")


def test_every_audit_action_in_the_code_has_words_on_the_log_page():
    recorded = {
        action
        for path in (ROOT / "sponsorship").rglob("*.py")
        for action in AUDIT_ACTION_RE.findall(path.read_text(encoding="utf-8"))
    }
    assert len(recorded) > 40  # the pattern still finds the calls
    missing = sorted(recorded - set(ACTION_LABELS))
    assert not missing, "audit actions without words in services/core/audit_words.py:\n" + (
        "\n".join(missing)
    )
