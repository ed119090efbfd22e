"""The domain's tables, one module per aggregate; importing this registers them all."""

from sponsorship.models.audit import AuditEvent
from sponsorship.models.background import BackgroundWork
from sponsorship.models.campaign import (
    Campaign,
    CampaignBeneficiary,
    CampaignGift,
    CampaignHandOver,
)
from sponsorship.models.child import Child, ChildHardship, Guardian, aid_group_of
from sponsorship.models.data_request import DataRequest
from sponsorship.models.donation import Allocation, Donation, DonationBatch, ReceiptSequence
from sponsorship.models.job_run import JobRun
from sponsorship.models.ledger import AccountBalance, LedgerEntry, LedgerTransaction
from sponsorship.models.letter import Letter, LetterTemplate
from sponsorship.models.pairing import OPEN_STATUSES, Pairing
from sponsorship.models.payout import Payout, PayoutBatch
from sponsorship.models.pledge import Instalment, Pledge, PledgeChange
from sponsorship.models.region import Region
from sponsorship.models.setting import Setting
from sponsorship.models.sponsor import Sponsor
from sponsorship.models.statement import StatementLine
from sponsorship.models.user import STAFF_ROLES, User

__all__ = [
    "OPEN_STATUSES",
    "STAFF_ROLES",
    "AccountBalance",
    "Allocation",
    "AuditEvent",
    "BackgroundWork",
    "PayoutBatch",
    "Campaign",
    "CampaignBeneficiary",
    "CampaignGift",
    "CampaignHandOver",
    "Child",
    "ChildHardship",
    "DataRequest",
    "Donation",
    "DonationBatch",
    "Guardian",
    "Instalment",
    "JobRun",
    "LedgerEntry",
    "LedgerTransaction",
    "Letter",
    "LetterTemplate",
    "Pairing",
    "Payout",
    "Pledge",
    "PledgeChange",
    "ReceiptSequence",
    "Region",
    "Setting",
    "Sponsor",
    "StatementLine",
    "User",
    "aid_group_of",
]
