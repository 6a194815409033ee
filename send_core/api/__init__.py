"""The REST API for a school's SEND records (MIS and other integrations).

Same permissions as the pages: every endpoint goes through the selectors, permissions and
services the web UI uses.
"""
