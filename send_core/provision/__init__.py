"""Provision mapping: the intervention catalogue, groups and their sessions, costs, the provision map and impact."""
