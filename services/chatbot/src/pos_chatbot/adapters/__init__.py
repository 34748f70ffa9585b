"""The chatbot's edges: its document store, inventory and pos-core, the LLM."""
