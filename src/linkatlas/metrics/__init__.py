"""Metrics on the link index: Authority Score (authority.py) and the graph numerics behind it (graph.py)."""
