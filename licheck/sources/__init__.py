"""Model sources: each knows how to learn about one model from one place."""
