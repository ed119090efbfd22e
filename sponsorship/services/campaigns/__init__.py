"""Campaigns (专项活动): relief handouts and fundraising drives, each with its own fund.

`campaigns` creates, edits, closes and finds campaigns within a user's reach (`get_in_reach`);
`fund` moves their money (gifts, batches of small gifts, grants, hand-overs); `beneficiaries`
and `beneficiary_import` choose the people helped; `paragraph` says what was done in the
programme's words. Handouts, sign-for sheets and gifts in kind live beside them.
"""
