"""A scripted server speaking OpenAI's Chat Completions API, for the chatbot's tests and benchmarks.

It streams (Server-Sent Events) or answers whole, calls tools, and can be slowed
(`latency_seconds`), held (`hang`), scripted turn by turn, or left to a scenario that
behaves like a menu assistant: grounded, or one that names a made-up dish or a wrong
price, so the chatbot's grounding can be shown to catch them.
"""
