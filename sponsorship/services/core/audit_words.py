"""The audit log in words: each action, each kind of record and each detail as people say it.

Audit rows keep stable English codes (`batch.approved`, `total_fen=100000`) so they can be
searched and compared; the log page shows them through these tables. `tests/test_i18n.py` fails
when an action recorded anywhere in the code has no words here.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from sponsorship.money import format_fen

#: Every action the code records, in words.
ACTION_LABELS = {
    "access.denied": _l("Access refused"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed login"),
    "auth.logout": _l("Logged out"),
    "batch.approval_refused": _l("Approval of a batch refused"),
    "batch.approved": _l("Approved a payout batch"),
    "batch.built": _l("Built a payout batch"),
    "batch.cancelled": _l("Cancelled a batch"),
    "batch.closed": _l("Closed a batch"),
    "batch.exported": _l("Exported the bank file"),
    "batch.finance_notified": _l("Told finance a batch is ready"),
    "batch.opened": _l("Opened a batch"),
    "batch.out_of_scope": _l("Refused: batch beyond the user's area"),
    "batch.paid_chunk": _l("Marked payouts as paid"),
    "batch.returned": _l("Returned a batch for changes"),
    "batch.submitted": _l("Submitted a batch for approval"),
    "campaign.amounts_set": _l("Set a campaign's handout amounts"),
    "campaign.beneficiaries_viewed": _l("Viewed a campaign's list of people"),
    "campaign.beneficiary_removed": _l("Took a person out of a campaign"),
    "campaign.children_added": _l("Added children to a campaign"),
    "campaign.closed": _l("Closed a campaign"),
    "campaign.created": _l("Opened a campaign"),
    "campaign.edited": _l("Changed a campaign"),
    "campaign.gift_recorded": _l("Recorded gifts in kind"),
    "campaign.granted": _l("Granted general-fund money to a campaign"),
    "campaign.handed_over": _l("Handed a campaign's money on to another body"),
    "campaign.health_viewed": _l("Viewed a person's health condition"),
    "campaign.id_revealed": _l("Showed a campaign person's full ID number"),
    "campaign.methods_set": _l("Set how a campaign's handouts are paid"),
    "campaign.not_signed": _l("Recorded people who did not sign for a handout"),
    "campaign.people_imported": _l("Imported people into a campaign"),
    "campaign.person_viewed": _l("Opened a campaign person's page"),
    "campaign.sign_sheet_exported": _l("Printed a handout sign-for sheet"),
    "campaign.signature_undone": _l("Undid a signature for a handout"),
    "campaign.signed": _l("Recorded signatures for cash handouts"),
    "child.anonymised": _l("Anonymised a child's record"),
    "child.awaiting": _l("Put a child on the waiting list"),
    "child.create": _l("Registered a child"),
    "child.exit": _l("Recorded a child leaving"),
    "child.export": _l("Exported children"),
    "child.import": _l("Imported children"),
    "child.lookup": _l("Looked a child up by ID number"),
    "child.reveal": _l("Showed full ID and bank numbers"),
    "child.update": _l("Changed a child's record"),
    "child.verify": _l("Verified a child's record"),
    "child.view": _l("Opened a child's page"),
    "credit.applied": _l("Used a caring parent's credit"),
    "credit.refunded": _l("Refunded a caring parent's credit"),
    "data_request.opened": _l("Opened a personal-data request"),
    "data_request.refused": _l("Refused a personal-data request"),
    "donation.recorded": _l("Recorded a donation"),
    "donation.reversed": _l("Reversed a donation"),
    "letter.failed": _l("A letter could not be delivered"),
    "letter.print_pdf": _l("Printed letters as PDF"),
    "letter.printed": _l("Marked a letter as printed"),
    "letter.queued": _l("Queued a letter"),
    "letter.queued_bulk": _l("Queued letters in bulk"),
    "letter.resend": _l("Sent a letter again"),
    "letter_template.failed": _l("A letter template failed; the built-in text was used"),
    "letter_template.saved": _l("Saved a letter template"),
    "matching.run": _l("Ran the matching"),
    "pairing.confirmed": _l("Confirmed a pairing"),
    "pairing.ended": _l("Ended a pairing"),
    "pairing.rejected": _l("Rejected a proposed pairing"),
    "payout.added": _l("Added a payout to a batch"),
    "payout.excluded": _l("Left a payout out of a batch"),
    "payout.failed": _l("Recorded a failed payout"),
    "payout.included": _l("Kept a payout in a batch"),
    "payout.reissued": _l("Re-issued a payout that failed at the bank"),
    "pledge.amount_changed": _l("Changed a pledge's amount"),
    "pledge.ended": _l("Ended a pledge"),
    "pledge.started": _l("Started a pledge"),
    "report.exported": _l("Exported a report"),
    "school_year.promote": _l("Moved children up a school year"),
    "setting.change": _l("Changed a setting"),
    "sponsor.anonymised": _l("Anonymised a caring parent's record"),
    "sponsor.approve": _l("Approved a caring parent"),
    "sponsor.data_exported": _l("Downloaded a caring parent's own data"),
    "sponsor.deactivate": _l("Marked a caring parent as withdrawn"),
    "sponsor.edit": _l("Changed a caring parent's record"),
    "sponsor.import": _l("Imported paper applications"),
    "sponsor.invite": _l("Invited a caring parent to the portal"),
    "sponsor.paper_entry": _l("Entered a paper application"),
    "sponsor.reject": _l("Rejected an application"),
    "sponsor.signup": _l("Signed up online"),
    "sponsor.signup_repeated": _l("Someone signed up online with this record's details again"),
    "sponsor.withdraw_requested": _l("Asked to withdraw"),
    "user.create": _l("Created a user"),
    "user.email_confirmed": _l("Confirmed an email address"),
    "user.password_changed": _l("Changed a password"),
    "user.password_reset": _l("Reset a password by link"),
    "user.update": _l("Changed a user"),
}

#: The kinds of record an event is about, by table name.
OBJECT_LABELS = {
    "batches": _l("Payout batch"),
    "campaign_beneficiaries": _l("Campaign person"),
    "campaigns": _l("Campaign"),
    "children": _l("Child"),
    "donation_batches": _l("Donation batch"),
    "donations": _l("Donation"),
    "letter_templates": _l("Letter template"),
    "letters": _l("Letter"),
    "pairings": _l("Pairing"),
    "payouts": _l("Payout"),
    "pledges": _l("Pledge"),
    "regions": _l("Region"),
    "report": _l("Report"),
    "school_year": _l("School year"),
    "settings": _l("Setting"),
    "sponsors": _l("Caring parent"),
    "users": _l("User"),
}

#: The `key=value` words that details carry; amounts (keys ending in fen) are shown in yuan.
DETAIL_KEYS = {
    "added": _l("added"),
    "amount_fen": _l("amount"),
    "value_fen": _l("value"),
    "one_fen": _l("amount each"),
    "children": _l("children"),
    "child": _l("child no."),
    "consent": _l("privacy notice version"),
    "count": _l("count"),
    "cutoff": _l("cut-off date"),
    "fen": _l("amount"),
    "general_fund_cover": _l("covered by the general fund"),
    "letter_queued": _l("letter queued"),
    "login": _l("login name"),
    "matched": _l("same as on record"),
    "payouts": _l("payouts"),
    "proposed": _l("proposed"),
    "reason": _l("reason"),
    "remainder": _l("remainder to"),
    "role": _l("role"),
    "rows": _l("rows"),
    "shortfall_fen": _l("shortfall"),
    "skipped": _l("skipped"),
    "sponsors": _l("caring parents"),
    "total_fen": _l("total"),
    "unmatched": _l("unmatched"),
    "used_fen": _l("amount used"),
    "waived": _l("waived instalments"),
    "year": _l("school year"),
}
#: Values that are codes rather than words.
DETAIL_VALUES = {
    "True": _l("yes"),
    "False": _l("no"),
    "id_number": _l("ID number"),
    "mobile": _l("mobile number"),
    "password": _l("wrong password"),
    "unknown user": _l("no such user"),
    "inactive": _l("account disabled"),
}
_KEY_RE = re.compile(r"(?:^|(?<=\s))([a-z_]+)=")
_AMOUNT_RE = re.compile(r"^(-?\d+(?:/-?\d+)?)(.*)$", re.S)
#: English sentences some details are written in, as (pattern, words with the groups).
PHRASES = [
    (re.compile(r"^changed: (.*)$", re.S), _l("changed: %(a)s")),
    (re.compile(r"^(\S+) draft ready: (\d+) payouts$"), _l("draft %(a)s ready: %(b)s payouts")),
    (re.compile(r"^after (\d+) attempts: (.*)$", re.S), _l("after %(a)s attempts: %(b)s")),
    (re.compile(r"^(\d+) rows; filters (.*)$", re.S), _l("%(a)s rows; filters %(b)s")),
    (re.compile(r"^(.*) \((\d+) letters\)$", re.S), _l("%(a)s (%(b)s letters)")),
]


def action_words(action: str) -> str:
    """Return the action in words, or its code when it has none yet."""
    words = ACTION_LABELS.get(action)
    return str(words) if words is not None else action


def object_words(object_type: str | None) -> str:
    """Return the kind of record in words, or its table name when it has none."""
    if not object_type:
        return ""
    words = OBJECT_LABELS.get(object_type)
    return str(words) if words is not None else object_type


def detail_words(detail: str) -> str:
    """Turn `key=value` pairs into 'words: value', amounts into yuan; other text stays."""
    for pattern, words in PHRASES:
        found = pattern.match(detail or "")
        if found:
            groups = dict(zip("ab", found.groups(), strict=False))
            return str(words) % groups
    parts = _KEY_RE.split(detail or "")
    out = [parts[0].strip()] if parts[0].strip() else []
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        value = value.strip().rstrip(":").strip()
        words = DETAIL_KEYS.get(key)
        if words is None:
            out.append(f"{key}={value}")
            continue
        out.append(f"{words}：{_value(key, value)}")
    return "；".join(out)


def _value(key: str, value: str) -> str:
    found = _AMOUNT_RE.match(value) if key.endswith("fen") else None
    if found:
        amounts, rest = found.groups()
        text = " / ".join(_money(part) for part in amounts.split("/"))
        rest = rest.strip().lstrip(":").strip()
        return f"{text}（{rest}）" if rest else text
    value = value.strip("'\"")
    words = DETAIL_VALUES.get(value)
    return str(words) if words is not None else value


def _money(text: str) -> str:
    try:
        return format_fen(int(text))
    except ValueError:
        return text
