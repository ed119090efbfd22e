"""Money out: payout batches from draft to paid, their bank files, letters and figures."""
