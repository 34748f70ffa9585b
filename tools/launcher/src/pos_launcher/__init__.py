"""The local launcher behind `make run`: nats-server, every installed service and the gateway."""
