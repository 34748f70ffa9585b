"""The chatbot's rules: the menu copy, conversations, drafts, the embedded assistant, grounding."""
