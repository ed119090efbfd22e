"""Money in: pledges, instalments, donations, credit, the ledger and statements."""
