"""Knowledge checks and final/refresher assessments: attempts kept as evidence."""
