"""Courses as files: loading, checking, syncing into versions, and the learner path."""
