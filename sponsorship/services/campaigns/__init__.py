"""Campaigns: relief handouts and fundraising drives on the programme's money machinery."""
