"""Branching scenario exercises: runs kept per replay."""
