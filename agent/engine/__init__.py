"""The engine that walks a platform's pages: it knows no platform; flows are its data."""
