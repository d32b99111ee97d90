"""Questions asked of the graph: the route planner, gap analysis, closest roles."""
