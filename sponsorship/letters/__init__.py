"""Letters: default texts, sandboxed rendering, the print PDF and the delivery channels."""
