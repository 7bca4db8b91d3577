"""cables stage."""
