"""botwo: a drop-in boto3 S3 client that routes every call, by bucket, to one of several S3
endpoints (for example AWS S3 and a tarn server), renaming buckets and adding key prefixes
(a tarn branch such as "main/") on the way in, and mapping them back on the way out."""
from .client import RoutingClient, client, parse_copy_source
from .rules import Route, Router, Rule

__all__ = ["client", "RoutingClient", "Router", "Rule", "Route", "parse_copy_source"]
__version__ = "0.1.0"
