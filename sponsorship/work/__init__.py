"""Units of work shared by views, the command line and jobs: they open, commit and close their own."""
