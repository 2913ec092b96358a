"""Grading a learner's worked figures: each against its recipe, errors carried forward,
mistakes named."""
