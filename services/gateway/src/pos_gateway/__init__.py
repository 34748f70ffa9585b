"""pos-gateway: the single edge. Routes by prefix, assigns correlation ids, limits bodies."""

from pos_gateway.config import GatewaySettings
from pos_gateway.main import create_app
from pos_gateway.routes import ROUTE_TABLE, ROUTES, Route, RouteTable

__all__ = ["ROUTES", "ROUTE_TABLE", "GatewaySettings", "Route", "RouteTable", "create_app"]
