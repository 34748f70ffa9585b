"""restaurant's use cases: load through repositories, apply domain rules, record events.

Each takes the unit of work first and never commits: the request's (or the event's)
unit of work does, together with the outbox rows. The two that call auth (adding
staff with a login, deactivating someone) write in `uow.step()`s, so no transaction
is open while auth answers.
"""
