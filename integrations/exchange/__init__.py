"""The secure document exchange: the one way records travel between organisations.

An envelope goes from one organisation to another with a structured payload and documents, all
encrypted at rest under keys that only the two organisations can unwrap. Every open and every
download is recorded in both organisations' audit trails.
"""
