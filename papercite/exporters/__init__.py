"""Built-in exporters, each a plugin module registered like a third-party one."""
