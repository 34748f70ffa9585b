"""The chatbot: a guest menu assistant that never slows order taking."""
