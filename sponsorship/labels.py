"""People's words for the domain's enums, translated: one place for every label."""

from flask_babel import lazy_gettext as _l

from sponsorship.models.enums import (
    AidGroup,
    AidPreference,
    AidType,
    BeneficiaryGroup,
    CampaignKind,
    CampaignStatus,
    Channel,
    ChildStatus,
    Distance,
    DonationBatchStatus,
    DonationMethod,
    ExitReason,
    Gender,
    HandoutMethod,
    HandoutStatus,
    Hardship,
    InstalmentStatus,
    JobRunStatus,
    LetterKind,
    LetterStatus,
    PairingStatus,
    PaymentFrequency,
    PayoutBatchStatus,
    PayoutDecision,
    PayoutStatus,
    PledgeStatus,
    RecipientType,
    RegionLevel,
    RemainderTo,
    Role,
    SchoolStage,
    SponsorKind,
    SponsorStatus,
    Zone,
)

#: Labels per enum class: StrEnum members of different enums compare equal ("rejected").
LABELS: dict[type, dict] = {
    RegionLevel: {
        RegionLevel.PROVINCE: _l("Province"),
        RegionLevel.CITY: _l("City"),
        RegionLevel.COUNTY: _l("County"),
        RegionLevel.TOWN: _l("Town"),
        RegionLevel.VILLAGE: _l("Village"),
    },
    Zone: {
        Zone.COASTAL: _l("Coastal"),
        Zone.RIVERSIDE: _l("Riverside"),
        Zone.MOUNTAIN: _l("Mountain"),
    },
    Role: {
        Role.ADMIN: _l("Administrator"),
        Role.STAFF: _l("Staff"),
        Role.FINANCE: _l("Finance"),
        Role.VIEWER: _l("Viewer"),
        Role.SPONSOR: _l("Caring parent"),
    },
    Gender: {
        Gender.FEMALE: _l("Female"),
        Gender.MALE: _l("Male"),
    },
    SponsorKind: {
        SponsorKind.INDIVIDUAL: _l("Individual"),
        SponsorKind.ORGANISATION: _l("Organisation"),
    },
    AidPreference: {
        AidPreference.ANY: _l("Any"),
        AidPreference.PRIMARY: _l("Primary school"),
        AidPreference.MIDDLE: _l("Middle school"),
        AidPreference.FOSTERING: _l("Fostering"),
    },
    Distance: {
        Distance.SAME_TOWN: _l("Same town"),
        Distance.SAME_COUNTY: _l("Anywhere in the county"),
    },
    PaymentFrequency: {
        PaymentFrequency.YEARLY: _l("Yearly"),
        PaymentFrequency.SEMESTER: _l("Per semester"),
        PaymentFrequency.MONTHLY: _l("Monthly"),
    },
    Channel: {
        Channel.EMAIL: _l("Email"),
        Channel.POST: _l("Post"),
        Channel.SMS: _l("SMS"),
    },
    SponsorStatus: {
        SponsorStatus.PENDING: _l("Pending review"),
        SponsorStatus.APPROVED: _l("Approved"),
        SponsorStatus.REJECTED: _l("Rejected"),
        SponsorStatus.WITHDRAWN: _l("Withdrawn"),
    },
    SchoolStage: {
        SchoolStage.PRESCHOOL: _l("Preschool"),
        SchoolStage.PRIMARY: _l("Primary"),
        SchoolStage.JUNIOR: _l("Junior middle"),
        SchoolStage.SENIOR: _l("Senior middle"),
        SchoolStage.NOT_IN_SCHOOL: _l("Not in school"),
    },
    AidType: {
        AidType.EDUCATION: _l("Education aid"),
        AidType.FOSTERING: _l("Fostering aid"),
    },
    AidGroup: {
        AidGroup.PRIMARY: _l("Primary pupils"),
        AidGroup.MIDDLE: _l("Middle-school pupils"),
        AidGroup.FOSTERING: _l("Fostering support"),
    },
    Hardship: {
        Hardship.ORPHAN: _l("Orphan"),
        Hardship.UNSUPPORTED: _l("De-facto unsupported"),
        Hardship.SINGLE_MOTHER: _l("Poor single-mother family"),
        Hardship.DISABLED: _l("Disabled"),
        Hardship.SERIOUSLY_ILL: _l("Seriously ill"),
        Hardship.LEFT_BEHIND: _l("Left-behind"),
        Hardship.LOW_INCOME: _l("Minimum-allowance household"),
        Hardship.OTHER: _l("Other"),
    },
    ChildStatus: {
        ChildStatus.REGISTERED: _l("Registered"),
        ChildStatus.VERIFIED: _l("Verified"),
        ChildStatus.AWAITING: _l("Awaiting a sponsor"),
        ChildStatus.PAIRED: _l("Paired"),
        ChildStatus.EXITED: _l("Exited"),
    },
    ExitReason: {
        ExitReason.GRADUATED: _l("Graduated"),
        ExitReason.MOVED_AWAY: _l("Moved away"),
        ExitReason.AGED_OUT: _l("Aged out"),
        ExitReason.OTHER: _l("Other reason"),
    },
    PairingStatus: {
        PairingStatus.PROPOSED: _l("Proposed"),
        PairingStatus.ACTIVE: _l("Active"),
        PairingStatus.REJECTED: _l("Rejected"),
        PairingStatus.ENDED: _l("Ended"),
    },
    JobRunStatus: {
        JobRunStatus.RUNNING: _l("Running"),
        JobRunStatus.SUCCEEDED: _l("Succeeded"),
        JobRunStatus.FAILED: _l("Failed"),
        JobRunStatus.ABANDONED: _l("Abandoned (process stopped)"),
    },
    LetterKind: {
        LetterKind.SIGNUP_ACK: _l("Sign-up acknowledgement"),
        LetterKind.APPROVAL: _l("Approval"),
        LetterKind.REJECTION: _l("Rejection"),
        LetterKind.PAIRING_NOTICE: _l("Pairing notice"),
        LetterKind.PLEDGE_REMINDER: _l("Pledge reminder"),
        LetterKind.OVERDUE_REMINDER: _l("Overdue reminder"),
        LetterKind.DONATION_THANKS: _l("Thank-you for a donation"),
        LetterKind.PAYOUT_NOTICE: _l("Payout notice to the guardian"),
        LetterKind.CHILD_RECEIVED: _l("Your child has received aid"),
        LetterKind.YEARLY_THANKS: _l("Yearly thank-you"),
        LetterKind.PASSWORD_RESET: _l("Password reset"),
        LetterKind.PORTAL_INVITATION: _l("Portal invitation"),
        LetterKind.EMAIL_CONFIRMATION: _l("Email confirmation"),
        LetterKind.APPEAL: _l("Appeal"),
        LetterKind.REPEAT_SIGNUP: _l("Notice of a repeated sign-up"),
    },
    LetterStatus: {
        LetterStatus.QUEUED: _l("Queued"),
        LetterStatus.SENDING: _l("Sending"),
        LetterStatus.SENT: _l("Sent"),
        LetterStatus.PRINTED: _l("Printed"),
        LetterStatus.FAILED: _l("Delivery failed"),
    },
    RecipientType: {
        RecipientType.SPONSOR: _l("Caring parent"),
        RecipientType.GUARDIAN: _l("Guardian"),
    },
    PledgeStatus: {
        PledgeStatus.ACTIVE: _l("In force"),
        PledgeStatus.ENDED: _l("Ended"),
    },
    InstalmentStatus: {
        InstalmentStatus.DUE: _l("Due"),
        InstalmentStatus.PAID: _l("Paid"),
        InstalmentStatus.OVERDUE: _l("Overdue"),
        InstalmentStatus.WAIVED: _l("Waived"),
    },
    DonationMethod: {
        DonationMethod.BANK: _l("Bank transfer"),
        DonationMethod.CASH: _l("Cash"),
        DonationMethod.WECHAT: _l("WeChat Pay"),
        DonationMethod.ALIPAY: _l("Alipay"),
        DonationMethod.OTHER: _l("Other"),
    },
    RemainderTo: {
        RemainderTo.CREDIT: _l("Keep as the caring parent's credit"),
        RemainderTo.GENERAL: _l("Give to the general fund"),
        RemainderTo.CAMPAIGN: _l("All to the campaign's fund"),
    },
    DonationBatchStatus: {
        DonationBatchStatus.OPEN: _l("Open"),
        DonationBatchStatus.CLOSED: _l("Closed"),
    },
    PayoutBatchStatus: {
        PayoutBatchStatus.DRAFT: _l("Draft"),
        PayoutBatchStatus.SUBMITTED: _l("Submitted for approval"),
        PayoutBatchStatus.APPROVED: _l("Approved"),
        PayoutBatchStatus.EXPORTED: _l("Sent to the bank"),
        PayoutBatchStatus.CLOSED: _l("Closed"),
        PayoutBatchStatus.CANCELLED: _l("Cancelled"),
    },
    PayoutDecision: {
        PayoutDecision.INCLUDED: _l("Included in the payment"),
        PayoutDecision.HELD: _l("Held back"),
        PayoutDecision.EXCLUDED: _l("Excluded"),
    },
    PayoutStatus: {
        PayoutStatus.PROPOSED: _l("Waiting"),
        PayoutStatus.PAID: _l("Paid out"),
        PayoutStatus.FAILED: _l("Failed"),
        PayoutStatus.CANCELLED: _l("Batch cancelled"),
    },
    CampaignKind: {
        CampaignKind.RELIEF: _l("Relief handout"),
        CampaignKind.DRIVE: _l("Fundraising drive"),
        CampaignKind.BOTH: _l("Fundraising and relief"),
    },
    CampaignStatus: {
        CampaignStatus.OPEN: _l("Open"),
        CampaignStatus.CLOSED: _l("Closed"),
    },
    BeneficiaryGroup: {
        BeneficiaryGroup.CHILD: _l("Children in hardship"),
        BeneficiaryGroup.POOR_SINGLE_MOTHER: _l("Poor single mothers"),
        BeneficiaryGroup.ORPHAN: _l("Orphans"),
        BeneficiaryGroup.OLD_WOMEN_CADRE: _l("Veteran grassroots women cadres"),
        BeneficiaryGroup.RED_BANNER: _l("March 8th Red Banner holders in hardship"),
        BeneficiaryGroup.PATIENT: _l("Women in hardship with illness"),
        BeneficiaryGroup.OTHER: _l("Other people in hardship"),
    },
    HandoutMethod: {
        HandoutMethod.BANK: _l("Paid by the bank"),
        HandoutMethod.CASH: _l("Cash against signature"),
    },
    HandoutStatus: {
        HandoutStatus.PENDING: _l("Awaiting handout"),
        HandoutStatus.IN_BATCH: _l("In a bank batch"),
        HandoutStatus.PAID: _l("Paid (bank)"),
        HandoutStatus.SIGNED: _l("Signed for"),
        HandoutStatus.NOT_SIGNED: _l("Not signed for"),
        HandoutStatus.FAILED: _l("Bank payment failed"),
    },
}


def label(value) -> str:
    """Return the translated label of an enum member, or the value itself."""
    if value is None:
        return ""
    text = LABELS.get(type(value), {}).get(value)
    return str(text) if text is not None else str(value)


def choices(enum_class) -> list[tuple[str, str]]:
    """Return WTForms choices for an enum, in declaration order, with translated labels."""
    return [(member.value, label(member)) for member in enum_class]
