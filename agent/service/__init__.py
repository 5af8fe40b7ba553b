"""The HTTP service (``escalate serve``): the widget's API, the helpdesks' webhooks, the
pages for agents and curators, health and metrics, around one :class:`EscalationAgent`.

Importing this package imports nothing heavy; :func:`agent.service.app.create_app` builds
the ASGI app.
"""

from agent.service import paths as _paths  # noqa: E402, F401 - the {name:id} path convertor, before any route
