"""The register of children: records, rules, search, spreadsheets, the school year."""
