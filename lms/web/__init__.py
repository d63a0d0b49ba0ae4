"""Pages every LMS user shares: the learner home, health check and error pages."""
