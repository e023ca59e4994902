"""The command line: one module per command group, and the only place that prints or exits."""
