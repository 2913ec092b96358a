"""A network one step at a time: symbols, the chain rule, the numbers, the shake check."""
