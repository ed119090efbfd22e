"""Letters: queue, templates, recipients, delivery, printing, reminders and thanks."""
