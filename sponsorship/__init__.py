"""The sponsorship system of 「爱心父母」; the app factory is `sponsorship.app.create_app`."""
