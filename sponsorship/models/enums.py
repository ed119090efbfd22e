"""The states and categories of the domain, stored as their string values."""

from enum import StrEnum


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


class Zone(StrEnum):
    COASTAL = "coastal"
    RIVERSIDE = "riverside"
    MOUNTAIN = "mountain"


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    FINANCE = "finance"
    VIEWER = "viewer"
    SPONSOR = "sponsor"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


class SponsorKind(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


class AidPreference(StrEnum):
    ANY = "any"
    PRIMARY = "primary"
    MIDDLE = "middle"
    FOSTERING = "fostering"


class Distance(StrEnum):
    SAME_TOWN = "same_town"
    SAME_COUNTY = "same_county"


class PaymentFrequency(StrEnum):
    YEARLY = "yearly"
    SEMESTER = "semester"
    MONTHLY = "monthly"


class Channel(StrEnum):
    EMAIL = "email"
    POST = "post"
    SMS = "sms"


class SponsorStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class SchoolStage(StrEnum):
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"
    NOT_IN_SCHOOL = "not_in_school"


class AidType(StrEnum):
    EDUCATION = "education"
    FOSTERING = "fostering"


class AidGroup(StrEnum):
    """The report's three headline groups: 小学生, 中学生, 助养."""

    PRIMARY = "primary"
    MIDDLE = "middle"
    FOSTERING = "fostering"


class Hardship(StrEnum):
    ORPHAN = "orphan"
    UNSUPPORTED = "unsupported"
    SINGLE_MOTHER = "single_mother"
    DISABLED = "disabled"
    SERIOUSLY_ILL = "seriously_ill"
    LEFT_BEHIND = "left_behind"
    LOW_INCOME = "low_income"
    OTHER = "other"


class ChildStatus(StrEnum):
    REGISTERED = "registered"
    VERIFIED = "verified"
    AWAITING = "awaiting"
    PAIRED = "paired"
    EXITED = "exited"


class ExitReason(StrEnum):
    GRADUATED = "graduated"
    MOVED_AWAY = "moved_away"
    AGED_OUT = "aged_out"
    OTHER = "other"


class PairingStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    REJECTED = "rejected"
    ENDED = "ended"


class JobRunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    #: The process running it died; a later claim of the period took over.
    ABANDONED = "abandoned"


class LetterKind(StrEnum):
    SIGNUP_ACK = "signup_ack"
    APPROVAL = "approval"
    REJECTION = "rejection"
    PAIRING_NOTICE = "pairing_notice"
    PLEDGE_REMINDER = "pledge_reminder"
    OVERDUE_REMINDER = "overdue_reminder"
    DONATION_THANKS = "donation_thanks"
    PAYOUT_NOTICE = "payout_notice"
    CHILD_RECEIVED = "child_received"
    YEARLY_THANKS = "yearly_thanks"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a letter kind, not a secret
    APPEAL = "appeal"


class LetterStatus(StrEnum):
    QUEUED = "queued"
    #: Claimed by a delivery worker; a claim older than the timeout is taken back into the queue.
    SENDING = "sending"
    SENT = "sent"
    PRINTED = "printed"
    FAILED = "failed"


class RecipientType(StrEnum):
    SPONSOR = "sponsor"
    GUARDIAN = "guardian"


class PledgeStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class InstalmentStatus(StrEnum):
    DUE = "due"
    PAID = "paid"
    OVERDUE = "overdue"
    WAIVED = "waived"


class DonationMethod(StrEnum):
    BANK = "bank"
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    OTHER = "other"


class RemainderTo(StrEnum):
    """Where the part of a donation not owed on instalments goes."""

    CREDIT = "credit"
    GENERAL = "general"


class Account(StrEnum):
    """Ledger accounts. Money comes in on BANK or CASH (positive legs); it is held in the funds
    (RESTRICTED per pairing, GENERAL, SPONSOR_CREDIT) and leaves through PAYOUTS or REFUNDS
    (negative legs). Since every transaction sums to zero, raised = held + paid out + refunded."""

    BANK = "bank"
    CASH = "cash"
    RESTRICTED = "restricted"
    GENERAL = "general"
    SPONSOR_CREDIT = "sponsor_credit"
    PAYOUTS = "payouts"
    REFUNDS = "refunds"


class TransactionKind(StrEnum):
    DONATION = "donation"
    REVERSAL = "reversal"
    PAYOUT = "payout"
    REFUND = "refund"
    TRANSFER = "transfer"


class DonationBatchStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PayoutBatchStatus(StrEnum):
    """A disbursement batch's life: built, frozen, approved by finance, sent to the bank, done."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    EXPORTED = "exported"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PayoutDecision(StrEnum):
    """Whether a proposed payout goes to the bank: held (short of funds) until staff decide."""

    INCLUDED = "included"
    HELD = "held"
    EXCLUDED = "excluded"


class PayoutStatus(StrEnum):
    PROPOSED = "proposed"
    PAID = "paid"
    FAILED = "failed"
