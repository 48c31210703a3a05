"""One module per command, each building its click command: parse the options, call the
session (:mod:`papercite.session`), end through :meth:`papercite.cli.app.App.run`."""
