"""The directory on the web: ``tacgraph serve``.

FastAPI's "bigger applications" layout: :func:`tacgraph.web.app.create_app` builds the
application, one router per area (``routers/``), templates beside them. Each route
receives the signed-in account from a dependency (:func:`tacgraph.web.deps.current_user`),
calls the library, and renders; no route reads the store or decides what to disclose.
"""
