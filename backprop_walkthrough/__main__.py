"""``python -m backprop_walkthrough``."""

from .cli import main

if __name__ == "__main__":
    main()
