"""Tests of issue 16's Medium and Low findings: exports, logs, uploads, templates, logins."""
