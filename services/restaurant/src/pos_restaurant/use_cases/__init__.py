"""restaurant's use cases: load through repositories, apply domain rules, record events.

They never commit: the request's (or the event's) unit of work does, together with
the outbox rows. The one exception is adding staff with a login, which must call
auth before it writes and undo auth's work if its own commit fails (see staff.py).
"""
