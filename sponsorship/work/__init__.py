"""Units of work shared by views, the command line and jobs: each commits its own steps."""
