"""micropython stage."""
