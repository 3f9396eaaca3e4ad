"""evcorridor: plan EV charging along North American cross-border highway corridors."""

__version__ = "0.1.0"
