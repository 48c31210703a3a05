"""Built-in enrichers, each a plugin module registered like a third-party one."""
