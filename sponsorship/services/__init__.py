"""Services: the verbs of the programme. They flush, never commit, and raise DomainError."""
