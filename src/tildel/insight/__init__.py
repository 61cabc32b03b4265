"""Key figures (nøkkeltall) over time: coverage, processing, equal treatment and cost drivers."""
