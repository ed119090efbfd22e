"""The states and categories of the domain, stored as their string values."""

from enum import StrEnum


class RegionLevel(StrEnum):
    """The levels of the administrative tree, from province down to village."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


class Zone(StrEnum):
    """The county's areas: the matcher prefers a sponsor in the child's area to one farther off."""

    COASTAL = "coastal"
    RIVERSIDE = "riverside"
    MOUNTAIN = "mountain"


class Role(StrEnum):
    """What a user does: admin, staff, finance or viewer in the office; a sponsor in the portal."""

    ADMIN = "admin"
    STAFF = "staff"
    FINANCE = "finance"
    VIEWER = "viewer"
    SPONSOR = "sponsor"


class Gender(StrEnum):
    """A person's gender; also a caring parent's wish for the child's."""

    FEMALE = "female"
    MALE = "male"


class SponsorKind(StrEnum):
    """Whether a caring parent is a person or an organisation (which names a contact person)."""

    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


class AidPreference(StrEnum):
    """Which children a caring parent wishes to help: any, primary or middle pupils, fostering."""

    ANY = "any"
    PRIMARY = "primary"
    MIDDLE = "middle"
    FOSTERING = "fostering"


class Distance(StrEnum):
    """How far away a sponsored child may live: in the same town or anywhere in the county."""

    SAME_TOWN = "same_town"
    SAME_COUNTY = "same_county"


class PaymentFrequency(StrEnum):
    """How often a caring parent pays, which sets the instalments of a pledge."""

    YEARLY = "yearly"
    SEMESTER = "semester"
    MONTHLY = "monthly"


class ConsentMethod(StrEnum):
    """How a caring parent agreed to the privacy notice: online at sign-up, or on a paper form."""

    ONLINE = "online"
    PAPER = "paper"


class Channel(StrEnum):
    """How letters reach their recipient: by email, by SMS, or printed and posted."""

    EMAIL = "email"
    POST = "post"
    SMS = "sms"


class SponsorStatus(StrEnum):
    """A caring parent's application: awaiting review, approved, rejected, or withdrawn."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class SchoolStage(StrEnum):
    """Where a child is in schooling, from preschool to senior middle school, or out of school."""

    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    JUNIOR = "junior"
    SENIOR = "senior"
    NOT_IN_SCHOOL = "not_in_school"


class AidType(StrEnum):
    """The kind of aid a child receives: education aid (助学) or fostering aid (助养)."""

    EDUCATION = "education"
    FOSTERING = "fostering"


class AidGroup(StrEnum):
    """The report's three headline groups: 小学生, 中学生, 助养."""

    PRIMARY = "primary"
    MIDDLE = "middle"
    FOSTERING = "fostering"


class Hardship(StrEnum):
    """The categories of hardship staff record for a child; a child may have several."""

    ORPHAN = "orphan"
    UNSUPPORTED = "unsupported"
    SINGLE_MOTHER = "single_mother"
    DISABLED = "disabled"
    SERIOUSLY_ILL = "seriously_ill"
    LEFT_BEHIND = "left_behind"
    LOW_INCOME = "low_income"
    OTHER = "other"


class ChildStatus(StrEnum):
    """Where a child stands: registered, verified, awaiting a sponsor, paired, or exited."""

    REGISTERED = "registered"
    VERIFIED = "verified"
    AWAITING = "awaiting"
    PAIRED = "paired"
    EXITED = "exited"


class ExitReason(StrEnum):
    """Why a child left the programme; "other" needs a note."""

    GRADUATED = "graduated"
    MOVED_AWAY = "moved_away"
    AGED_OUT = "aged_out"
    OTHER = "other"


class PairingStatus(StrEnum):
    """A pairing's life: proposed, then rejected or active; an active one ends, kept in history."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    REJECTED = "rejected"
    ENDED = "ended"


class JobRunStatus(StrEnum):
    """A job run's state: running (claimed), succeeded, or failed and open to another attempt."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    #: The process running it died; a later claim of the period took over.
    ABANDONED = "abandoned"


class LetterKind(StrEnum):
    """The letters the programme sends, each with its own template and occasion."""

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
    #: A caring parent entered by staff is asked to set a password and use the portal.
    PORTAL_INVITATION = "portal_invitation"
    EMAIL_CONFIRMATION = "email_confirmation"
    APPEAL = "appeal"
    #: Someone signed up online with a caring parent's mobile or ID number: told to its owner.
    REPEAT_SIGNUP = "repeat_signup"


class LetterStatus(StrEnum):
    """A letter's delivery: queued, being sent, sent or printed for post, or failed."""

    QUEUED = "queued"
    #: Claimed by a delivery worker; a claim older than the timeout is taken back into the queue.
    SENDING = "sending"
    SENT = "sent"
    PRINTED = "printed"
    FAILED = "failed"


class RecipientType(StrEnum):
    """Who a letter goes to: a caring parent or a child's guardian."""

    SPONSOR = "sponsor"
    GUARDIAN = "guardian"


class PledgeStatus(StrEnum):
    """Whether a pledge is in force, or ended with its pairing (later instalments waived)."""

    ACTIVE = "active"
    ENDED = "ended"


class InstalmentStatus(StrEnum):
    """An instalment's state: due, paid, overdue past the grace days, or waived with a reason."""

    DUE = "due"
    PAID = "paid"
    OVERDUE = "overdue"
    WAIVED = "waived"


class DonationMethod(StrEnum):
    """How a donation was paid in: bank transfer, cash, WeChat Pay, Alipay or other."""

    BANK = "bank"
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    OTHER = "other"


class RemainderTo(StrEnum):
    """Where the part of a donation not owed on instalments goes."""

    CREDIT = "credit"
    GENERAL = "general"
    #: A gift earmarked to a campaign: all of it goes to the campaign's fund.
    CAMPAIGN = "campaign"


class Account(StrEnum):
    """Ledger accounts. Money comes in on BANK or CASH (positive legs); it is held in the funds
    (RESTRICTED per pairing, GENERAL, SPONSOR_CREDIT) and leaves through PAYOUTS or REFUNDS
    (negative legs); a CAMPAIGN fund per campaign, whose money may also be HANDED_ON to another
    body. Since every transaction sums to zero, raised = held + paid out + refunded + handed on."""

    BANK = "bank"
    CASH = "cash"
    RESTRICTED = "restricted"
    GENERAL = "general"
    SPONSOR_CREDIT = "sponsor_credit"
    PAYOUTS = "payouts"
    REFUNDS = "refunds"
    #: A campaign's restricted fund (per campaign; negative balance = money held).
    CAMPAIGN = "campaign"
    #: Money handed on to another body (上缴县慈善总会): negative legs, like PAYOUTS.
    HANDED_ON = "handed_on"


class TransactionKind(StrEnum):
    """The money event a transaction records; a transfer moves credit onto instalments."""

    DONATION = "donation"
    REVERSAL = "reversal"
    PAYOUT = "payout"
    REFUND = "refund"
    TRANSFER = "transfer"
    #: A campaign's money handed on to another body.
    HAND_OVER = "hand_over"
    #: A cash handout signed for (bank handouts are PAYOUT).
    HANDOUT = "handout"
    #: The general fund granting money to a campaign's fund.
    CAMPAIGN_GRANT = "campaign_grant"


class DonationBatchStatus(StrEnum):
    """A statement batch: open while its lines are entered, then closed and checked."""

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
    """A payout's outcome: proposed (not yet paid), paid, failed at the bank, or cancelled."""

    PROPOSED = "proposed"
    PAID = "paid"
    FAILED = "failed"
    #: Its batch was cancelled before the bank saw it: it no longer holds the child's year.
    CANCELLED = "cancelled"


class CampaignKind(StrEnum):
    """What a campaign does: hand out relief (慰问/救助发放), raise money (募捐), or both."""

    RELIEF = "relief"
    DRIVE = "drive"
    BOTH = "both"


class CampaignStatus(StrEnum):
    """A campaign is open while money and people are added, then closed."""

    OPEN = "open"
    CLOSED = "closed"


class BeneficiaryGroup(StrEnum):
    """The special groups a campaign helps, in the order the report lists them."""

    CHILD = "child"
    POOR_SINGLE_MOTHER = "poor_single_mother"
    ORPHAN = "orphan"
    OLD_WOMEN_CADRE = "old_women_cadre"
    RED_BANNER = "red_banner"
    PATIENT = "patient"
    OTHER = "other"


class HandoutMethod(StrEnum):
    """How a beneficiary receives the money: through the bank, or in cash against a signature."""

    BANK = "bank"
    CASH = "cash"


class HandoutStatus(StrEnum):
    """Where a beneficiary's handout stands, from pending to paid, signed for, or not."""

    PENDING = "pending"
    IN_BATCH = "in_batch"
    PAID = "paid"
    SIGNED = "signed"
    NOT_SIGNED = "not_signed"
    FAILED = "failed"
