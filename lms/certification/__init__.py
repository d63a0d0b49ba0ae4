"""Certification: certificates people earn by completing a course, and their PDFs."""
