"""Candidates before hire: invitations, onboarding, hiring and erasure."""
