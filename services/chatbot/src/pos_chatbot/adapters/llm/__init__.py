"""LLM providers speaking the OpenAI Chat Completions API (OpenAI, vLLM, Ollama, llama.cpp)."""
