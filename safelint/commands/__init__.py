"""One module per subcommand; each exposes a click command. The CLI only registers them."""
