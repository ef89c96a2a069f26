"""HTTP: the app factory, problem rendering, dependencies and thin routes."""
